package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

/**
 * The earlier name of {@link Layer}, kept so records written against it still compile: a record
 * that implements {@code Module} is a {@code Layer}. Everything Graft returns is typed {@code
 * Layer}, and a record component that should accept a wrapped (adapted) child must be declared as
 * {@code Layer}: an adapter is a {@code Layer}, not a {@code Module}.
 *
 * @deprecated the name matched {@code java.lang.Module} (Kotlin imports that by default); use
 *     {@link Layer}.
 */
@Deprecated
public interface Module extends Layer {}
