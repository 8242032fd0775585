/**
 * Model trees: {@link dev.graft.dsl.tree.Path paths} into them, {@link dev.graft.dsl.tree.Tree}
 * operations (leaves, get/set by path or by selector, map, flatten/unflatten, partition/combine,
 * structural equality, a summary table), {@link dev.graft.dsl.tree.Lens lenses} and
 * {@link dev.graft.dsl.tree.Mask masks}.
 *
 * <p>A tree is built from {@link dev.graft.dsl.tree.Layer} nodes (records, read generically by
 * {@link dev.graft.dsl.tree.Records}), {@code List} and {@code Map<String, ?>} nodes, and
 * {@link dev.graft.runtime.Tensor} leaves. Everything is immutable: an update rebuilds the nodes on
 * the way to what changed and shares every other node and leaf with the old tree.
 */
@NullMarked
package dev.graft.dsl.tree;

import org.jspecify.annotations.NullMarked;
