package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.SandboxMain;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kept-alive connection stays usable however many others are idle: the emulator must not close
 * one silently after answering on it, as the JDK's server does past 200 idle connections. Each case
 * runs the emulator in a JVM of its own, because the JDK reads its cap once, at the first server
 * in the JVM, and this test JVM's other tests start servers of their own.
 */
class IdleConnectionsTest {

    private static final int CONNECTIONS = 260;

    @Test
    void everyKeptAliveConnectionStillAnswersWithHundredsIdle() throws Exception {
        assertThat(droppedAfterFirstAnswer()).as("connections closed after their first answer").isZero();
    }

    /** The control: with the JDK's own cap the same steps lose the connections past 200. */
    @Test
    void anOperatorsOwnCapWinsAndTheTestSeesWhatItCosts() throws Exception {
        assertThat(droppedAfterFirstAnswer("-D" + DarajaEmulator.MAX_IDLE_CONNECTIONS + "=200"))
                .as("connections closed after their first answer, with the JDK's cap of 200")
                .isBetween(1, CONNECTIONS - 200);
    }

    /**
     * Opens {@link #CONNECTIONS} connections, asks once on each and leaves it idle; then asks again
     * on each and counts those the emulator closed in between.
     */
    private static int droppedAfterFirstAnswer(String... jvmOptions) throws Exception {
        Process emulator = start(jvmOptions);
        List<Socket> sockets = new ArrayList<>();
        try {
            int port = portOf(emulator);
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                sockets.add(s);
                assertThat(ask(s)).as("first answer on connection " + i).isEqualTo(200);
            }
            int dropped = 0;
            for (Socket s : sockets) {
                try {
                    if (ask(s) != 200) {
                        dropped++;
                    }
                } catch (IOException e) {
                    dropped++; // reset, or closed before an answer
                }
            }
            return dropped;
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            emulator.destroy();
            emulator.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process start(String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SandboxMain.class.getName(),
                "--port=0", "--host=127.0.0.1"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The port from the banner's first line ("… Daraja emulator on http://127.0.0.1:PORT …"). */
    private static int portOf(Process emulator) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8));
        Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
        for (String line; (line = out.readLine()) != null; ) {
            Matcher m = url.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> drain(out));
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IllegalStateException("the emulator exited before printing its address");
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // the rest of the banner: read so the emulator never blocks on a full pipe
            }
        } catch (IOException ignored) {
            // the emulator stopped
        }
    }

    /** One kept-alive GET of the admin faults (no token needed); the status, with the body read off. */
    private static int ask(Socket s) throws IOException {
        s.getOutputStream().write("GET /sandbox/admin/faults HTTP/1.1\r\nHost: emulator\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String head = readHead(in);
        if (head.isEmpty()) {
            return -1; // closed without an answer
        }
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        assertThat(length.find()).as("a Content-Length in " + head).isTrue();
        in.readNBytes(Integer.parseInt(length.group(1)));
        return Integer.parseInt(head.substring(9, 12));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return "";
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
