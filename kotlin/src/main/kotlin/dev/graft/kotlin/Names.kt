@file:JvmName("Names")

package dev.graft.kotlin

import dev.graft.dsl.optim.Schedule
import dev.graft.runtime.Key

/**
 * Graft's model-tree node, [dev.graft.dsl.Module], under a name Kotlin does not already use:
 * Kotlin imports `java.lang.*` by default, so a bare `Module` means `java.lang.Module` unless
 * `dev.graft.dsl.Module` is imported by name. With `import dev.graft.kotlin.GraftModule` (or
 * `dev.graft.kotlin.*`) a record reads `data class Block(val fc: GraftModule) : GraftModule`.
 * It is an alias, not a new type: a `GraftModule` is a `dev.graft.dsl.Module` everywhere.
 */
typealias GraftModule = dev.graft.dsl.Module

/**
 * A random key from an `Int` seed: [Key.of] takes a `Long`, which a literal fills but an `Int`
 * variable does not (`key(seed)` where `seed: Int`).
 */
fun key(seed: Int): Key = Key.of(seed.toLong())

/** A random key from a `Long` seed: [Key.of]. */
fun key(seed: Long): Key = Key.of(seed)

/** The rate of update number `step` given as an `Int`: [Schedule.at], which takes a `Long`. */
fun Schedule.at(step: Int): Double = at(step.toLong())
