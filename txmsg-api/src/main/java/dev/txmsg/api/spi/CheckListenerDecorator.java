package dev.txmsg.api.spi;

/**
 * Adds to how check-backs are answered, around txmsg's own answer — which reads the transaction
 * log and fences what it cannot find — instead of replacing it.
 *
 * <pre>{@code
 * @Bean
 * CheckListenerDecorator auditCheckBacks(Audit audit) {
 *     return fenced -> request -> {
 *         TransactionState answer = fenced.check(request);
 *         audit.checkBack(request.transactionId(), answer);
 *         return answer;
 *     };
 * }
 * }</pre>
 *
 * The decorated listener answers the broker's check-backs and also decides, for the in-doubt
 * watcher, the half messages whose check-backs the broker exhausted. Under Spring every bean of
 * this type decorates, the first in {@code @Order} outermost (asked first); without Spring, hand
 * it to the sender's builder.
 */
@FunctionalInterface
public interface CheckListenerDecorator {

    /**
     * Returns the listener to use.
     *
     * @param fenced txmsg's own listener: call it for every check-back you do not decide yourself
     * @return the decorated listener, never {@code null}
     */
    CheckListener decorate(CheckListener fenced);
}
