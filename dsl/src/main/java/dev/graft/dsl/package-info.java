/** The model-tree DSL: modules and the fluent {@code Net}. */
@NullMarked
package dev.graft.dsl;

import org.jspecify.annotations.NullMarked;
