package dev.graft.kotlin

import dev.graft.dsl.optim.Schedule

/**
 * A learning-rate schedule still missing the numbers only the training run knows: the peak rate
 * (by default the optimizer's rate at its first step) and the total number of steps (epochs ×
 * batches). A [FitScope] resolves it when it builds the `Trainer`; [resolve] returns a Java
 * [Schedule].
 */
fun interface SchedulePlan {
    /** The schedule for a run whose optimizer starts at `peak` and that takes `totalSteps` steps. */
    fun resolve(peak: Double, totalSteps: Long): Schedule
}

/**
 * Linear warm-up over `warmup` steps, then cosine decay to `finalLr` at the end of the run:
 * [Schedule.warmupCosine] with the run's total steps (`warmup = 0`: cosine decay alone). `peak`
 * defaults to the optimizer's learning rate.
 */
fun cosine(warmup: Int = 0, peak: Double? = null, finalLr: Double = 0.0): SchedulePlan =
    SchedulePlan { optimizerPeak, total ->
        Schedule.warmupCosine(peak ?: optimizerPeak, warmup.toLong(), total, finalLr)
    }

/**
 * Linear warm-up over `steps` steps, then the peak for the rest of the run:
 * [Schedule.linearWarmup]. `peak` defaults to the optimizer's learning rate.
 */
fun linearWarmup(steps: Int, peak: Double? = null): SchedulePlan =
    SchedulePlan { optimizerPeak, _ -> Schedule.linearWarmup(peak ?: optimizerPeak, steps.toLong()) }
