/**
 * Extension points: how check-backs are answered ({@link dev.txmsg.api.spi.CheckListener}) and
 * where the transaction log lives ({@link dev.txmsg.api.spi.TransactionLog}).
 */
package dev.txmsg.api.spi;
