package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Everything the library knows about one kind of zoo adapter, declared once by its class: its
 * name, its record type, the fields that train, its PEFT form and how to build one around a
 * layer. {@link AdapterCatalog} lists every kind; the law suite, the PEFT reader and writer and the
 * shoot-out read them from there.
 */
public final class AdapterKind {
  private static final Map<Class<?>, AdapterKind> BY_TYPE = new ConcurrentHashMap<>();

  private final String name;
  private final Class<? extends ZooAdapter> type;
  private final List<String> trainable;
  private final List<String> shared;
  private final PeftForm peft;
  private final BiFunction<Layer, AdapterConfig, ? extends ZooAdapter> create;
  private final @Nullable Preparer preparer;
  private final AdapterFactory factory;

  /**
   * What a kind whose adapters share state across the layers of one {@code lora} call (VeRA's
   * projections) builds from all the bases before any adapter: the constructor to use for them.
   */
  @FunctionalInterface
  public interface Preparer {
    /** The constructor for the adapters around {@code bases}. */
    BiFunction<Layer, AdapterConfig, ? extends ZooAdapter> prepare(List<Layer> bases,
        AdapterConfig config);
  }

  private AdapterKind(String name, Class<? extends ZooAdapter> type, List<String> trainable,
      List<String> shared, PeftForm peft,
      BiFunction<Layer, AdapterConfig, ? extends ZooAdapter> create, @Nullable Preparer preparer) {
    this.name = name;
    this.type = type;
    this.trainable = List.copyOf(trainable);
    this.shared = List.copyOf(shared);
    this.peft = peft;
    this.create = create;
    this.preparer = preparer;
    this.factory = new KindFactory(this, name, Layer.class, null);
    BY_TYPE.put(type, this);
  }

  /**
   * A kind named {@code name} (as the papers spell it, e.g. {@code LoRA-FA}) whose adapters are
   * {@code type}s built by {@code create}, train {@code trainable} and appear in PEFT as {@code
   * peft}.
   */
  public static <T extends ZooAdapter> AdapterKind of(String name, Class<T> type,
      List<String> trainable, PeftForm peft, BiFunction<Layer, AdapterConfig, T> create) {
    return new AdapterKind(name, type, trainable, List.of(), peft, create, null);
  }

  /** This kind, preparing shared state over each call's bases with {@code preparer}. */
  public AdapterKind preparedBy(Preparer preparer) {
    return new AdapterKind(name, type, trainable, shared, peft, create, preparer);
  }

  /**
   * This kind, whose frozen tensor {@code fields} are one tensor shared by every adapter of a call
   * (VeRA's projections): on a GroupedLinear they are held once, not sliced per group.
   */
  public AdapterKind sharing(String... fields) {
    return new AdapterKind(name, type, trainable, List.of(fields), peft, create, preparer);
  }

  /** The name, as the papers spell it ({@code LoRA}, {@code rsLoRA}, {@code LoRA-FA}, ...). */
  public String name() {
    return name;
  }

  /** The name in lower case, for command lines and file names ({@code lora-fa}). */
  public String slug() {
    return name.toLowerCase(Locale.ROOT);
  }

  /** The adapter's record type. */
  public Class<? extends ZooAdapter> type() {
    return type;
  }

  /** The record components that train. */
  public List<String> trainable() {
    return trainable;
  }

  /** The frozen tensor components shared by every adapter of a call (see {@link #sharing}). */
  public List<String> shared() {
    return shared;
  }

  /** The adapter's PEFT form. */
  public PeftForm peft() {
    return peft;
  }

  /** The factory for every layer this kind adapts (Linear, Conv1d/2d/3d, GroupedLinear). */
  public AdapterFactory factory() {
    return factory;
  }

  /**
   * A factory for the layers of type {@code only} alone, named {@code name}: what the earlier
   * per-layer names ({@code LoRALinear.FACTORY}, {@code LoRAConv.FACTORY}) now are.
   */
  public AdapterFactory factory(String name, Class<? extends Layer> only) {
    return new KindFactory(this, name, only, null);
  }

  /**
   * The kind declared for the adapter class {@code type} (the last {@link #of} or {@link
   * #preparedBy} made for it, which its {@code KIND} field holds).
   */
  static AdapterKind ofType(Class<?> type) {
    AdapterKind k = BY_TYPE.get(type);
    if (k == null) {
      throw new IllegalStateException(type.getName() + " declares no AdapterKind: give it a"
          + " static final AdapterKind KIND = AdapterKind.of(...)");
    }
    return k;
  }

  /** The kind a factory of {@link #factory()} or {@link #factory(String, Class)} builds. */
  public static Optional<AdapterKind> of(AdapterFactory factory) {
    return factory instanceof KindFactory k ? Optional.of(k.kind()) : Optional.empty();
  }

  ZooAdapter create(Layer base, AdapterConfig config) {
    return create.apply(base, config);
  }

  @Override
  public String toString() {
    return name;
  }

  /**
   * A factory of one kind for the layers of one type (or all the kind adapts), with the
   * constructor its {@link #prepare} gave when the kind shares state across layers.
   */
  private record KindFactory(AdapterKind kind, String name, Class<? extends Layer> only,
      @Nullable BiFunction<Layer, AdapterConfig, ? extends ZooAdapter> prepared)
      implements AdapterFactory {
    @Override
    public boolean appliesTo(Layer layer) {
      return WeightView.supports(layer) && only.isInstance(layer);
    }

    @Override
    public AdapterFactory prepare(List<Layer> bases, AdapterConfig config) {
      if (kind.preparer == null || bases.isEmpty()) {
        return this;
      }
      for (Layer base : bases) {
        if (!appliesTo(base)) {
          throw new IllegalArgumentException(name + ": cannot wrap "
              + base.getClass().getSimpleName());
        }
      }
      return new KindFactory(kind, name, only, kind.preparer.prepare(bases, config));
    }

    @Override
    public LoraWrapper create(Layer base, AdapterConfig config) {
      return prepared != null ? prepared.apply(base, config) : kind.create(base, config);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
