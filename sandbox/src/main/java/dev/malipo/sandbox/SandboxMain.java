package dev.malipo.sandbox;

import dev.malipo.sandbox.daraja.DarajaEmulator;
import dev.malipo.sandbox.daraja.DarajaEmulatorConfig;

import java.util.concurrent.CountDownLatch;

/** Runs the emulators on their own: {@code java -jar malipo-sandbox-…-exec.jar --port=8090 [--speed=1.0]}. */
public final class SandboxMain {
    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(System.getenv().getOrDefault("SANDBOX_PORT", "8090"));
        double speed = 1.0;
        for (String a : args) {
            if (a.startsWith("--port=")) port = Integer.parseInt(a.substring(7));
            else if (a.startsWith("--speed=")) speed = Double.parseDouble(a.substring(8));
            else if (a.equals("--help")) {
                System.out.println("usage: --port=8090 --speed=1.0 (0 = customers answer at once)");
                return;
            }
        }
        DarajaEmulator daraja = DarajaEmulator.start(DarajaEmulatorConfig.builder()
                .host("0.0.0.0").port(port).speedFactor(speed).build());
        System.out.printf("""
                Malipo sandbox — Daraja emulator on http://127.0.0.1:%d
                  consumer key / secret:  %s / %s
                  short code / passkey:   %s / %s
                  admin:                  GET|PUT /sandbox/admin/faults, GET /sandbox/admin/transactions, POST /sandbox/admin/reset
                test numbers (last three digits of the phone):
                %s""", port, DarajaEmulatorConfig.DEMO_CONSUMER_KEY, DarajaEmulatorConfig.DEMO_CONSUMER_SECRET,
                DarajaEmulatorConfig.DEMO_SHORT_CODE, DarajaEmulatorConfig.DEMO_PASSKEY, TestNumbers.describe());
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daraja.close();
            forever.countDown();
        }));
        forever.await();
    }
}
