/** Runnable timing programs for autodiff (not part of the library's API). */
@NullMarked
package dev.graft.autodiff.bench;

import org.jspecify.annotations.NullMarked;
