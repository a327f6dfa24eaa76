package dev.malipo.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** core is plain Java: the domain must not depend on a framework, a database API or an adapter. */
class ArchitectureTest {

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.malipo.core");

    @Test
    void coreUsesNoFrameworkNorJdbc() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "org.springframework..", "java.sql..", "javax.sql..", "jakarta..", "tools.jackson..", "com.fasterxml..")
                .check(core);
    }

    @Test
    void coreKnowsNoAdapter() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "dev.malipo.connector..", "dev.malipo.sandbox..", "dev.malipo.gateway..")
                .check(core);
    }
}
