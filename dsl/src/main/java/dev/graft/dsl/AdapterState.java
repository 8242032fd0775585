package dev.graft.dsl;

/** The state of one layer's adapter in a {@link Net}: see {@link Net#adapterState}. */
public enum AdapterState {
  /** The wrapper is in the tree and adapts the layer. */
  ACTIVE,
  /** Folded into a plain layer by {@link Net#merge}; {@link Net#unmerge} brings it back. */
  MERGED,
  /** Replaced by its base by {@link Net#disableAdapters}; {@link Net#enableAdapters} undoes it. */
  DISABLED
}
