package dev.malipo.bench;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Bytes the gateway's JVM has allocated so far, read over a local JMX connection (the Attach API
 * starts the gateway's local management agent; nothing listens on a port). Exact, where
 * Micrometer's jvm.gc.memory.allocated only moves at each young collection: over a 30 s window at
 * 150 flows/s that is a handful of collections, and its per-flow figure swung 190–240 KiB between
 * runs of the same code. Unavailable (-1) when the gateway cannot be attached to.
 */
final class GatewayAllocation {
    // Kept open for the whole run; the load generator ends with System.exit, which closes it.
    private final MBeanServerConnection server;
    private final ObjectName threading;

    private GatewayAllocation(JMXConnector connector) throws Exception {
        this.server = connector.getMBeanServerConnection();
        this.threading = new ObjectName("java.lang:type=Threading");
    }

    /** Null when the process cannot be attached to (not a JVM, another user's, attach disabled). */
    static GatewayAllocation attach(long pid) {
        if (pid <= 0) return null;
        try {
            VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
            try {
                return new GatewayAllocation(JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent())));
            } finally {
                vm.detach();
            }
        } catch (Exception e) {
            System.err.println("gateway allocation not available: " + e);
            return null;
        }
    }

    /** Total bytes allocated by all the gateway's threads, exited ones included; -1 if the read fails. */
    long bytes() {
        try {
            return ((Number) server.getAttribute(threading, "TotalThreadAllocatedBytes")).longValue();
        } catch (Exception e) {
            return -1;
        }
    }
}
