@file:JvmName("Slicing")

package dev.graft.kotlin

import dev.graft.runtime.Index
import dev.graft.runtime.Tensor

/**
 * The whole-axis marker for slicing, NumPy's `:`: `t[all, 0 until 2]` keeps every row and the
 * first two columns. It is [Index.all].
 */
val all: Index = Index.all()

/**
 * This range as a tensor [Index]: `a until b` and `a..b` select positions `a` up to `b`
 * (exclusive) and `b` (inclusive); `step` is kept (`0 until 8 step 2`). Negative ends count from
 * the end as in NumPy (`-3..-1` is the last three positions). A descending progression (`downTo`)
 * is refused by [Index.range], which needs a positive step.
 */
fun IntProgression.toIndex(): Index {
    val stop = if (last == -1 && first < 0) Int.MAX_VALUE else last + 1
    return Index.range(first, stop, step)
}

/**
 * `t[r]`, `t[r1, r2]`, …: one range per leading axis (the other axes kept whole), through
 * [Tensor.get] with each range as an [Index] ([toIndex]). Every axis is kept, so `t[0 until 1]`
 * has a leading axis of size 1 while `t[0]` drops it.
 */
operator fun Tensor.get(vararg ranges: IntProgression): Tensor =
    get(*Array(ranges.size) { ranges[it].toIndex() })

/**
 * `t[all, 0 until 2]`, `t[1, 2..3]`: mixed positions per leading axis, through [Tensor.get] with
 * one [Index] each — an `Int` is [Index.at] (the axis is dropped), an `IntProgression` is a range
 * ([toIndex]), an [Index] (such as [all]) is used as it is. Anything else is refused.
 *
 * @throws IllegalArgumentException naming the position and type of an axis that is none of these
 */
operator fun Tensor.get(vararg axes: Any): Tensor = get(*Array(axes.size) { indexOf(axes[it], it) })

private fun indexOf(axis: Any, position: Int): Index = when (axis) {
    is Int -> Index.at(axis)
    is IntProgression -> axis.toIndex()
    is Index -> axis
    else -> throw IllegalArgumentException(
        "Tensor get: axis $position is a ${axis::class.qualifiedName} ($axis); use an Int, an " +
            "IntRange (0 until n, a..b, with step) or an Index such as `all`",
    )
}

/** The matrix transpose, `t.T`: [Tensor.transpose] (swaps the last two axes; batched). */
val Tensor.T: Tensor
    get() = transpose()
