package dev.malipo.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of ARCHITECTURE.md, checked on the compiled classes of every module:
 * gateway → connectors → core, sandbox → core; a connector sees neither Spring, JDBC nor another
 * connector; the gateway's modules do not form cycles.
 */
class ArchitectureTest {
    private static final JavaClasses MALIPO = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.malipo");

    @Test
    void coreDependsOnNoOtherModuleNorFramework() {
        noClasses().that().resideInAPackage("dev.malipo.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.malipo.connector..", "dev.malipo.sandbox..",
                        "dev.malipo.gateway..", "org.springframework..", "java.sql..", "javax.sql..")
                .check(MALIPO);
    }

    @Test
    void connectorsUseNeitherSpringNorJdbcNorTheGatewayNorTheSandbox() {
        noClasses().that().resideInAPackage("dev.malipo.connector..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.sql..", "javax.sql..",
                        "jakarta..", "dev.malipo.gateway..", "dev.malipo.sandbox..")
                .allowEmptyShould(true)
                .check(MALIPO);
    }

    @Test
    void connectorsDoNotKnowEachOther() {
        slices().matching("dev.malipo.connector.(*)..").should().notDependOnEachOther()
                .allowEmptyShould(true)
                .check(MALIPO);
    }

    @Test
    void sandboxDependsOnlyOnCore() {
        noClasses().that().resideInAPackage("dev.malipo.sandbox..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.malipo.connector..", "dev.malipo.gateway..",
                        "org.springframework..")
                .allowEmptyShould(true)
                .check(MALIPO);
    }

    @Test
    void gatewayModulesFormNoCycles() {
        slices().matching("dev.malipo.gateway.(*)..").should().beFreeOfCycles().check(MALIPO);
    }
}
