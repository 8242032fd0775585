package dev.graft.dsl.lora;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The Immutables style of this package's value types: package-private implementation behind the
 * abstract type, and no Immutables annotation in the generated class files. Source retention, so
 * the style never reaches a class file either: a project that compiles against this jar without
 * Immutables on its class path gets no "cannot find annotation method" warnings.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.SOURCE)
@Value.Style(visibility = Value.Style.ImplementationVisibility.PACKAGE,
    overshadowImplementation = true, allowedClasspathAnnotations = Override.class)
@interface ValueStyle {}
