import dev.malipo.core.phone.Country;
import dev.malipo.core.phone.Msisdn;

/**
 * Microseconds per Msisdn.parse, in the forms merchants send (run by bench/msisdn-parse).
 * Every call gets a different number, as payments do, so nothing is answered from a cache.
 */
public final class MsisdnParseBench {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String[] forms = {"254", "+254", "0"};
        long sink = 0;
        for (int round = 1; round <= 8; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (String form : forms) {
                String[] numbers = numbers(form, n, round);
                long start = System.nanoTime();
                for (String number : numbers) sink += Msisdn.parse(number, Country.KE).e164().length();
                line.append(String.format("  %-5s %5.2f µs", form + "…", (System.nanoTime() - start) / 1e3 / n));
            }
            System.out.println(line);
        }
        if (sink == 42) System.out.println();
    }

    /** Safaricom 0708 numbers, formatted up front so the timing is the parse's alone. */
    private static String[] numbers(String prefix, int n, int round) {
        String[] numbers = new String[n];
        for (int i = 0; i < n; i++) {
            numbers[i] = String.format("%s708%06d", prefix, (i + (long) round * n) % 1_000_000);
        }
        return numbers;
    }
}
