package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.CallbackSender;
import dev.malipo.sandbox.DelayScheduler;
import dev.malipo.sandbox.Exchanges;
import dev.malipo.sandbox.FaultInjector;

import java.net.URI;

/** What the Daraja services share: configuration, the customer's clock, the fault dice, ids. */
record DarajaContext(DarajaEmulatorConfig config, DelayScheduler scheduler, FaultInjector faults, DarajaIds ids,
                     DarajaCallbacks payloads, CallbackSender sender) {

    /**
     * Posts a callback the customer meant to send {@code planned} times (0 = never); the drop and
     * duplicate faults may change that. Sequential, like Daraja: a duplicate follows the original.
     */
    void callback(URI url, Object body, int planned) {
        int times = faults.deliveries(planned);
        if (times == 0) return;
        String json = Exchanges.JSON.writeValueAsString(body);
        for (int i = 0; i < times; i++) {
            sender.post(url, json);
        }
    }
}
