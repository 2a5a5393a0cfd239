/** What the engine's network servers share: the connections they accepted, closed with them. */
package io.basalt.engine.net;
