/**
 * Test fixtures shared by every module's tests: the seeded QuickTheories runner ({@link
 * dev.graft.testkit.Theories}), obviously-correct reference implementations of matmul and
 * convolution on flat arrays, and the package-cycle check each library module's test runs on its
 * own bytecode ({@link dev.graft.testkit.PackageGraph}). Depends on no Graft module, so the runtime's own tests can use it;
 * a project depends on it in test scope.
 */
@NullMarked
package dev.graft.testkit;

import org.jspecify.annotations.NullMarked;
