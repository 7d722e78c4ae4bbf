/** Operating txmsg: dead letters and in-doubt transactions, listed, replayed and discarded with {@link dev.txmsg.api.ops.Operations}. */
package dev.txmsg.api.ops;
