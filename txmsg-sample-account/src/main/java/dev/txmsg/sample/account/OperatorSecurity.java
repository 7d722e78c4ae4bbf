package dev.txmsg.sample.account;

import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;

/**
 * Who may operate txmsg here: the Actuator endpoints (the txmsg endpoint and the operator console at
 * /actuator/txmsgconsole) need the user and password of spring.security.user.* (role OPERATOR); health
 * stays open for probes; the service's own API stays open, as the demo uses it.
 * <ul>
 * <li>In a browser: a login form and a session; the console's state-changing calls carry the CSRF
 *     token it reads from the XSRF-TOKEN cookie (sent back as X-XSRF-TOKEN).</li>
 * <li>From curl: {@code -u user:password} (HTTP Basic, no session, no cookie). Requests with a Basic
 *     Authorization header need no CSRF token: a browser adds that header on its own only after a
 *     Basic prompt, and this service never asks a browser for one (it shows the login form).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class OperatorSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain operatorEndpoints(HttpSecurity http) throws Exception {
        CsrfTokenRequestAttributeHandler tokens = new CsrfTokenRequestAttributeHandler();
        tokens.setCsrfRequestAttributeName(null); // the token is loaded on every request, so the cookie is always there
        return http
            .securityMatchers(m -> m.requestMatchers(EndpointRequest.toAnyEndpoint()).requestMatchers("/login", "/logout"))
            .authorizeHttpRequests(a -> a.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                .requestMatchers("/login", "/logout").permitAll()
                .anyRequest().hasRole("OPERATOR"))
            .formLogin(Customizer.withDefaults())
            .httpBasic(Customizer.withDefaults())
            .csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse()).csrfTokenRequestHandler(tokens)
                .ignoringRequestMatchers(request -> isBasic(request.getHeader("Authorization"))))
            .build();
    }

    private static boolean isBasic(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    }

    @Bean
    @Order(2)
    SecurityFilterChain serviceApi(HttpSecurity http) throws Exception {
        // A demo's open JSON API, without sessions or cookies: nothing for a cross-site request to ride on.
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }
}
