/** What the engine's network servers and clients share: the socket transport, and the connections a server accepted, closed with it. */
package io.basalt.engine.net;
