package dev.txmsg.faults.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Arms and disarms faults over HTTP: {@code POST /txmsg-faults/arm}, {@code POST /txmsg-faults/disarm},
 * {@code GET /txmsg-faults}; and {@code POST /txmsg-faults/nested-rollbacks?accountId=&count=} (F10).
 */
@RestController
@RequestMapping("/txmsg-faults")
class FaultController {

    private final Faults faults;
    private final org.springframework.beans.factory.ObjectProvider<NestedRollbacks> nestedRollbacks;
    private final org.springframework.beans.factory.ObjectProvider<dev.txmsg.rocketmq.RocketMqTxMsg> txmsg;

    FaultController(Faults faults, org.springframework.beans.factory.ObjectProvider<NestedRollbacks> nestedRollbacks,
                    org.springframework.beans.factory.ObjectProvider<dev.txmsg.rocketmq.RocketMqTxMsg> txmsg) {
        this.faults = faults;
        this.nestedRollbacks = nestedRollbacks;
        this.txmsg = txmsg;
    }

    /** F10: places orders in nested scopes that are rolled back while their transaction commits. */
    @PostMapping("/nested-rollbacks")
    Map<String, Object> nestedRollbacks(@org.springframework.web.bind.annotation.RequestParam String accountId,
                                        @org.springframework.web.bind.annotation.RequestParam int count) {
        return Map.of("rolledBack", nestedRollbacks.getObject().run(accountId, count));
    }

    @PostMapping("/arm")
    Map<String, Object> arm(@RequestBody List<Faults.Armed> armed) {
        faults.arm(armed);
        return status();
    }

    @PostMapping("/disarm")
    Map<String, Object> disarm() {
        faults.disarm();
        return status();
    }

    @GetMapping
    Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("armed", faults.armed());
        s.put("injected", faults.injected());
        dev.txmsg.rocketmq.RocketMqTxMsg t = txmsg.getIfAvailable();
        s.put("inDoubtSettleFailures", t == null ? 0 : t.inDoubtWatcher().map(w -> w.failures()).orElse(0L));
        return s;
    }
}
