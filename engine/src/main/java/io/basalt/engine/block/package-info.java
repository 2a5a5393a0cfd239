/**
 * Block devices behind a logical unit: the asynchronous {@link io.basalt.engine.block.BlockDevice}
 * interface and its sparse-file implementation.
 */
package io.basalt.engine.block;
