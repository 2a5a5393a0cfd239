/**
 * The replica data protocol between a volume's target and a pool server: length-prefixed binary
 * frames over TCP, authenticated per volume by a challenge and an HMAC proof.
 *
 * <p>Frame: {@code int length} (of what follows), {@code byte version}, {@code byte opcode},
 * {@code short flags}, {@code long requestId}, {@code int crc32c} of the payload, payload. All
 * big-endian. On connect the server sends a {@link io.basalt.engine.replica.protocol.Message.Challenge}
 * with a random nonce; the client answers with a {@link io.basalt.engine.replica.protocol.Message.Hello}
 * naming the replica and carrying HMAC-SHA256(secret, nonce || name), so the secret never crosses the
 * wire; flag 2 of its frame marks the writer's connection, which supersedes the writer's older one.
 * Every other request waits for the server's welcome. Failed requests are answered with an
 * {@link io.basalt.engine.replica.protocol.Message.Failure}; only protocol violations close the connection.
 *
 * <p>The data of writes and read answers is never copied on the way: it goes to the socket as a
 * buffer of its own after the frame's header and fixed fields, and comes out of the receive buffer
 * as a slice that its frame holds until the data is on disk or handed on.
 */
package io.basalt.engine.replica.protocol;
