package dev.graft.kotlin

import dev.graft.runtime.Key
import dev.graft.runtime.Random
import dev.graft.runtime.Tensor
import org.quicktheories.QuickTheory
import org.quicktheories.core.Gen
import org.quicktheories.generators.SourceDSL.integers
import org.quicktheories.generators.SourceDSL.lists

/** The fixed default seed of every property in this module: each run checks the same examples. */
const val PROPERTY_SEED = 20261204L

/**
 * This run's seed: `-Dgraft.seed=N` explores other examples (the build-wide rule of the Java
 * modules' `Theories`); QuickTheories prints the seed of a failing run.
 */
val runSeed: Long = System.getProperty("graft.seed")?.trim()?.takeIf { it.isNotEmpty() }?.toLong() ?: PROPERTY_SEED

/** QuickTheories with [runSeed] and `examples` examples. */
fun qt(examples: Int = 200): QuickTheory = QuickTheory.qt().withFixedSeed(runSeed).withExamples(examples)

/** Standard-normal tensors of 1 to `maxAxes` axes, each of 1 to 5 positions, from a random seed. */
fun tensors(maxAxes: Int = 3): Gen<Tensor> =
    lists().of(integers().between(1, 5)).ofSizeBetween(1, maxAxes)
        .zip(integers().all()) { dims, seed -> Random.normal(Key.of(seed.toLong()), *dims.toIntArray()) }

/** Standard-normal matrices `(rows, cols)`, 1 to 6 each. */
fun matrices(): Gen<Tensor> =
    integers().between(1, 6).zip(integers().between(1, 6), integers().all()) { r, c, seed ->
        Random.normal(Key.of(seed.toLong()), r, c)
    }
