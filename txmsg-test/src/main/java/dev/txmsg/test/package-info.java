/**
 * A real RocketMQ name server and broker in-process, for tests ({@link dev.txmsg.test.EmbeddedRocketMQExtension})
 * and as a local broker ({@link dev.txmsg.test.EmbeddedRocketMQ}).
 */
package dev.txmsg.test;
