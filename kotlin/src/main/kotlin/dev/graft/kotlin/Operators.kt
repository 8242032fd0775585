@file:JvmName("Operators")

package dev.graft.kotlin

import dev.graft.runtime.Tensor

// Arithmetic with Kotlin's number types on either side. The Java Tensor already has
// plus/minus/times/div(Tensor) and (float) members, which Kotlin uses as operators; these
// extensions add Double and Int on the right and Float, Double and Int on the left. A scalar is
// converted to float32 (Tensor's element type) and every operator calls one Java method, so
// gradients flow through them exactly as through the Java calls.

/** `t + c` for a Double `c`: [Tensor.plus] with `c` as a float. */
operator fun Tensor.plus(c: Double): Tensor = plus(c.toFloat())

/** `t + c` for an Int `c`: [Tensor.plus] with `c` as a float. */
operator fun Tensor.plus(c: Int): Tensor = plus(c.toFloat())

/** `t - c` for a Double `c`: [Tensor.minus] with `c` as a float. */
operator fun Tensor.minus(c: Double): Tensor = minus(c.toFloat())

/** `t - c` for an Int `c`: [Tensor.minus] with `c` as a float. */
operator fun Tensor.minus(c: Int): Tensor = minus(c.toFloat())

/** `t * c` for a Double `c`: [Tensor.times] with `c` as a float. */
operator fun Tensor.times(c: Double): Tensor = times(c.toFloat())

/** `t * c` for an Int `c`: [Tensor.times] with `c` as a float. */
operator fun Tensor.times(c: Int): Tensor = times(c.toFloat())

/** `t / c` for a Double `c`: [Tensor.div] with `c` as a float. */
operator fun Tensor.div(c: Double): Tensor = div(c.toFloat())

/** `t / c` for an Int `c`: [Tensor.div] with `c` as a float. */
operator fun Tensor.div(c: Int): Tensor = div(c.toFloat())

/** `c + t`: [Tensor.plus] (addition commutes, bit for bit). */
operator fun Float.plus(t: Tensor): Tensor = t.plus(this)

/** `c + t`: [Tensor.plus] with `c` as a float. */
operator fun Double.plus(t: Tensor): Tensor = t.plus(toFloat())

/** `c + t`: [Tensor.plus] with `c` as a float. */
operator fun Int.plus(t: Tensor): Tensor = t.plus(toFloat())

/** `c * t`: [Tensor.times] (multiplication commutes, bit for bit). */
operator fun Float.times(t: Tensor): Tensor = t.times(this)

/** `c * t`: [Tensor.times] with `c` as a float. */
operator fun Double.times(t: Tensor): Tensor = t.times(toFloat())

/** `c * t`: [Tensor.times] with `c` as a float. */
operator fun Int.times(t: Tensor): Tensor = t.times(toFloat())

/** `c - t`: [Tensor.minus] of the scalar tensor `c` and `t` (broadcast to `t`'s shape). */
operator fun Float.minus(t: Tensor): Tensor = Tensor.scalar(this).minus(t)

/** `c - t`: [Tensor.minus] of the scalar tensor `c` (as a float) and `t`. */
operator fun Double.minus(t: Tensor): Tensor = toFloat().minus(t)

/** `c - t`: [Tensor.minus] of the scalar tensor `c` (as a float) and `t`. */
operator fun Int.minus(t: Tensor): Tensor = toFloat().minus(t)

/** `c / t`: [Tensor.div] of the scalar tensor `c` and `t` (broadcast to `t`'s shape). */
operator fun Float.div(t: Tensor): Tensor = Tensor.scalar(this).div(t)

/** `c / t`: [Tensor.div] of the scalar tensor `c` (as a float) and `t`. */
operator fun Double.div(t: Tensor): Tensor = toFloat().div(t)

/** `c / t`: [Tensor.div] of the scalar tensor `c` (as a float) and `t`. */
operator fun Int.div(t: Tensor): Tensor = toFloat().div(t)

/**
 * The matrix product as an infix call, `a matmul b`: [Tensor.matmul] (batched over leading axes,
 * as the Java method is). Kotlin only calls an `infix` function that way, so this extension stands
 * beside the Java member of the same name.
 */
@Suppress("EXTENSION_SHADOWED_BY_MEMBER")
infix fun Tensor.matmul(other: Tensor): Tensor = this.matmul(other)

/** `t.pow(c)` for a Double `c`: [Tensor.pow] with `c` as a float. */
fun Tensor.pow(c: Double): Tensor = pow(c.toFloat())

/** `t.pow(c)` for an Int `c`: [Tensor.pow] with `c` as a float. */
fun Tensor.pow(c: Int): Tensor = pow(c.toFloat())

/** `t.maximum(c)` for a Double `c`: [Tensor.maximum] with `c` as a float. */
fun Tensor.maximum(c: Double): Tensor = maximum(c.toFloat())

/** `t.maximum(c)` for an Int `c`: [Tensor.maximum] with `c` as a float. */
fun Tensor.maximum(c: Int): Tensor = maximum(c.toFloat())

/** `t.greater(c)` for a Double `c`: [Tensor.greater] with `c` as a float. */
fun Tensor.greater(c: Double): Tensor = greater(c.toFloat())

/** `t.greater(c)` for an Int `c`: [Tensor.greater] with `c` as a float. */
fun Tensor.greater(c: Int): Tensor = greater(c.toFloat())
