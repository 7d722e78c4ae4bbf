/**
 * The public contract of txmsg: a {@link dev.txmsg.api.TransactionalSender} publishes a
 * {@link dev.txmsg.api.TxMessage} if, and only if, the local transaction that a
 * {@link dev.txmsg.api.LocalTransactionExecutor} runs commits. Depends on nothing but the JDK.
 */
package dev.txmsg.api;
