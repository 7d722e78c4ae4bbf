package dev.txmsg.faults.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Arms and disarms faults over HTTP: {@code POST /txmsg-faults/arm}, {@code POST /txmsg-faults/disarm}, {@code GET /txmsg-faults}. */
@RestController
@RequestMapping("/txmsg-faults")
class FaultController {

    private final Faults faults;

    FaultController(Faults faults) {
        this.faults = faults;
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
        return s;
    }
}
