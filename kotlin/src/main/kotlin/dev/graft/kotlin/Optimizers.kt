@file:JvmName("Optimizers")

package dev.graft.kotlin

import dev.graft.dsl.optim.Adam
import dev.graft.dsl.optim.AdamW
import dev.graft.dsl.optim.Sgd

/**
 * AdamW with learning rate `lr`: [AdamW.of], then [AdamW.withWeightDecay], [AdamW.withBetas] and
 * [AdamW.withEps] for the arguments given (the others keep AdamW's defaults).
 */
fun adamW(lr: Double, weightDecay: Double? = null, betas: Pair<Double, Double>? = null, eps: Double? = null): AdamW {
    var opt = AdamW.of(lr)
    weightDecay?.let { opt = opt.withWeightDecay(it) }
    betas?.let { opt = opt.withBetas(it.first, it.second) }
    eps?.let { opt = opt.withEps(it) }
    return opt
}

/**
 * Adam with learning rate `lr`: [Adam.of], then [Adam.withWeightDecay], [Adam.withBetas] and
 * [Adam.withEps] for the arguments given.
 */
fun adam(lr: Double, weightDecay: Double? = null, betas: Pair<Double, Double>? = null, eps: Double? = null): Adam {
    var opt = Adam.of(lr)
    weightDecay?.let { opt = opt.withWeightDecay(it) }
    betas?.let { opt = opt.withBetas(it.first, it.second) }
    eps?.let { opt = opt.withEps(it) }
    return opt
}

/**
 * SGD with learning rate `lr`: [Sgd.of], then [Sgd.withMomentum], [Sgd.nesterov] and
 * [Sgd.withWeightDecay] for the arguments given.
 */
fun sgd(lr: Double, momentum: Double? = null, nesterov: Boolean = false, weightDecay: Double? = null): Sgd {
    var opt = Sgd.of(lr)
    momentum?.let { opt = opt.withMomentum(it) }
    if (nesterov) opt = opt.nesterov()
    weightDecay?.let { opt = opt.withWeightDecay(it) }
    return opt
}
