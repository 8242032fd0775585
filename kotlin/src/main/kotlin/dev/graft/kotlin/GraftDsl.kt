package dev.graft.kotlin

/**
 * Marks Graft's builder scopes ([LoraScope], [FitScope], [SequentialScope]), so a block nested in
 * one cannot call the outer scope's functions by accident.
 */
@DslMarker
@Target(AnnotationTarget.CLASS)
annotation class GraftDsl
