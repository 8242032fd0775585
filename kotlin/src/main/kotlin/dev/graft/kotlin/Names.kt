@file:JvmName("Names")

package dev.graft.kotlin

import dev.graft.dsl.optim.Schedule
import dev.graft.runtime.Key

/**
 * The model-tree node [dev.graft.dsl.tree.Layer] under its earlier Kotlin name. `Layer` no longer
 * collides with anything Kotlin imports by default, so new code imports it directly; this alias
 * keeps `data class Block(val fc: GraftModule) : GraftModule` compiling. It is an alias, not a new
 * type: a `GraftModule` is a `Layer` everywhere.
 */
typealias GraftModule = dev.graft.dsl.tree.Layer

/**
 * A random key from an `Int` seed: [Key.of] takes a `Long`, which a literal fills but an `Int`
 * variable does not (`key(seed)` where `seed: Int`).
 */
fun key(seed: Int): Key = Key.of(seed.toLong())

/** A random key from a `Long` seed: [Key.of]. */
fun key(seed: Long): Key = Key.of(seed)

/** The rate of update number `step` given as an `Int`: [Schedule.at], which takes a `Long`. */
fun Schedule.at(step: Int): Double = at(step.toLong())
