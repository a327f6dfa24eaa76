package dev.malipo.sandbox;

import dev.malipo.sandbox.daraja.DarajaEmulator;
import dev.malipo.sandbox.daraja.DarajaEmulatorConfig;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulators on their own:
 * {@code java -jar malipo-sandbox-…-exec.jar [--port=8090] [--host=0.0.0.0] [--speed=1.0] [--instant]}.
 * The port also comes from {@code SANDBOX_PORT}.
 */
public final class SandboxMain {
    private static final String USAGE = """
            usage: java -jar malipo-sandbox-exec.jar [options]
              --port=8090       listen port (or env SANDBOX_PORT; 0 = any free port)
              --host=0.0.0.0    bind address (default: all interfaces)
              --speed=1.0       multiplies the customers' delays (0 = customers answer at once)
              --instant         customers answer at once and the callback comes before the HTTP answer
            """;

    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port;
        String host = "0.0.0.0";
        double speed = 1.0;
        boolean instant = false;
        try {
            port = Integer.parseInt(System.getenv().getOrDefault("SANDBOX_PORT", "8090").trim());
            for (String a : args) {
                if (a.startsWith("--port=")) port = Integer.parseInt(a.substring(7));
                else if (a.startsWith("--host=")) host = a.substring(7);
                else if (a.startsWith("--speed=")) speed = Double.parseDouble(a.substring(8));
                else if (a.equals("--instant")) instant = true;
                else if (a.equals("--help") || a.equals("-h")) {
                    System.out.print(USAGE);
                    return;
                } else {
                    throw new IllegalArgumentException("unknown option " + a);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        DarajaEmulator daraja = DarajaEmulator.start(DarajaEmulatorConfig.builder()
                .host(host).port(port).speedFactor(speed).instant(instant).build());
        // The demo credentials are public sandbox values, printed so a person can copy them.
        System.out.printf("""
                Malipo sandbox — Daraja emulator on %s  (speed %s%s)
                  consumer key / secret:  %s / %s
                  short code / passkey:   %s / %s
                  token:                  GET  /oauth/v1/generate?grant_type=client_credentials  (HTTP Basic)
                  STK push / query:       POST /mpesa/stkpush/v1/processrequest, /mpesa/stkpushquery/v1/query
                  B2C / status:           POST /mpesa/b2c/v3/paymentrequest (and v1), /mpesa/transactionstatus/v1/query
                  admin (no token):       GET|PUT /sandbox/admin/faults, GET /sandbox/admin/transactions, POST /sandbox/admin/reset
                test numbers (last three digits of PhoneNumber / PartyB):
                %s""", daraja.baseUrl(), speed, instant ? ", instant" : "",
                DarajaEmulatorConfig.DEMO_CONSUMER_KEY, DarajaEmulatorConfig.DEMO_CONSUMER_SECRET,
                DarajaEmulatorConfig.DEMO_SHORT_CODE, DarajaEmulatorConfig.DEMO_PASSKEY, TestNumbers.describe());
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daraja.close();
            forever.countDown();
        }));
        forever.await();
    }
}
