package dev.graft.dsl;

import dev.graft.dsl.io.Checkpoints;
import dev.graft.dsl.io.PeftAdapters;
import dev.graft.dsl.lora.AdaptedLayers;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.optim.Optimizer;
import dev.graft.dsl.optim.Step;
import dev.graft.dsl.train.Gradients;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.TrainableTree;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The fluent, immutable facade over a model tree: which leaves are trainable, the selection the
 * next {@link #lora} call acts on, and the adapters set aside by {@link #merge()} or {@link
 * #disableAdapters()}. Every method returns a new {@code Net}; nothing is copied that did not
 * change.
 *
 * <p>It is the top layer: optimizers, the trainer and the file formats work on trees and their
 * trainable paths ({@link Trainable}, which {@code Net} implements) and know nothing of it; the
 * methods here delegate to them.
 *
 * <pre>{@code
 * Net net = Net.of(model).freeze().mask(Mask.regex("encoder/.*")).lora(8, 16.0);
 * }</pre>
 */
public final class Net implements Trainable<Net> {
  private final Layer module;
  private final Set<Path> trainable;
  private final @Nullable Mask selection;
  private final Map<Path, LoraWrapper> parked;
  private final Parking parking;

  /** Why adapters are set aside. */
  private enum Parking { NONE, MERGED, DISABLED }

  private Net(Layer module, Set<Path> trainable, @Nullable Mask selection,
      Map<Path, LoraWrapper> parked, Parking parking) {
    this.module = module;
    this.trainable = Collections.unmodifiableSet(trainable);
    this.selection = selection;
    this.parked = Collections.unmodifiableMap(parked);
    this.parking = parking;
  }

  /** A net over {@code module} with every leaf trainable, as a fresh PyTorch model is. */
  public static Net of(Layer module) {
    return new Net(module, new LinkedHashSet<>(Tree.paths(module)), null, Map.of(), Parking.NONE);
  }

  /** The model tree. */
  @Override
  public Layer module() {
    return module;
  }

  // ------------------------------------------------------------------ trainability

  /** Every leaf present now is frozen; adapters added later are trainable. */
  public Net freeze() {
    return new Net(module, new LinkedHashSet<>(), selection, parked, parking);
  }

  /** Every leaf present now is trainable. */
  public Net unfreeze() {
    return new Net(module, new LinkedHashSet<>(Tree.paths(module)), selection, parked, parking);
  }

  /** The leaves {@code mask} selects become trainable; the others keep their state. */
  public Net unfreeze(Mask mask) {
    Set<Path> t = new LinkedHashSet<>(trainable);
    t.addAll(mask.resolve(module));
    return new Net(module, ordered(t), selection, parked, parking);
  }

  /** The leaves {@code mask} selects become frozen; the others keep their state. */
  public Net freeze(Mask mask) {
    Set<Path> t = new LinkedHashSet<>(trainable);
    t.removeAll(mask.resolve(module));
    return new Net(module, t, selection, parked, parking);
  }

  /** The trainable leaves, as a mask. */
  public Mask trainable() {
    return Mask.of(List.copyOf(trainablePaths()));
  }

  /** The paths of the trainable leaves, in tree order. */
  @Override
  public List<Path> trainablePaths() {
    List<Path> out = new ArrayList<>();
    for (Path p : Tree.paths(module)) {
      if (trainable.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Number of trainable parameters. */
  public long trainableCount() {
    long n = 0;
    for (Path p : trainablePaths()) {
      n += ((Tensor) Tree.get(module, p)).size();
    }
    return n;
  }

  /** Number of parameters; a tensor shared by several layers (VeRA) counts once. */
  public long totalCount() {
    long n = 0;
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : Tree.leaves(module)) {
      if (seen.add(t)) {
        n += t.size();
      }
    }
    return n;
  }

  /** {@code trainableCount / totalCount}: the share of parameters that train, in {@code [0, 1]}. */
  public double trainableFraction() {
    long total = totalCount();
    return total == 0 ? 0 : (double) trainableCount() / total;
  }

  /**
   * The share of parameters that train (not a compression ratio).
   *
   * @deprecated the name misled; use {@link #trainableFraction()}, which returns the same value
   */
  @Deprecated
  public double compressionRatio() {
    return trainableFraction();
  }

  // ------------------------------------------------------------------ selection and adapters

  /**
   * Sets the selection the next {@link #lora} call acts on (intersected with its target); that
   * call consumes it. Until then it is pending: {@link #pendingMask()} returns it, and {@link
   * #toString()} and {@link #summary()} show it. Setting a second selection while one is pending
   * is an error (the first would be dropped silently): combine them with {@link Mask#and}, or
   * {@link #clearMask()} first.
   *
   * @throws IllegalStateException if a selection is already pending
   */
  public Net mask(Mask mask) {
    if (selection != null) {
      throw new IllegalStateException("mask: a selection is already pending for the next lora ("
          + selection + "); setting " + mask + " would drop it. Use mask(a.and(b)) to combine"
          + " them, or clearMask() first");
    }
    return new Net(module, trainable, mask, parked, parking);
  }

  /** The selection set by {@link #mask} that the next {@link #lora} call will act on, if any. */
  public Optional<Mask> pendingMask() {
    return Optional.ofNullable(selection);
  }

  /** This net without a pending selection: the next {@link #lora} acts on every layer. */
  public Net clearMask() {
    return new Net(module, trainable, null, parked, parking);
  }

  /** LoRA of rank {@code rank} and scale numerator {@code alpha} on every selected layer. */
  public Net lora(int rank, double alpha) {
    return lora(LoraSpec.of(rank, alpha));
  }

  /** LoRA on the selected layers whose path {@code target} (a regex) matches; see LoraSpec. */
  public Net lora(int rank, double alpha, String target) {
    return lora(LoraSpec.of(rank, alpha, target));
  }

  /**
   * LoRA on the layers {@code where} selects (within any pending {@link #mask}): {@code lora(8,
   * 16.0, Mask.modules("query", "value"))}.
   */
  public Net lora(int rank, double alpha, Mask where) {
    return new Net(module, trainable, selection == null ? where : selection.and(where), parked,
        parking).lora(rank, alpha);
  }

  /**
   * Wraps the selected layers; for each layer the first spec that picks its path and one
   * of whose wrappers applies wins. Wrapped bases are frozen and the adapters' fields trainable;
   * other leaves keep their state. All-or-nothing: an error leaves this net as it was.
   */
  public Net lora(LoraSpec... specs) {
    requireActive("lora");
    return ManyAdapters.loraDefault(this, List.of(specs));
  }

  // ------------------------------------------------------------------ named adapters

  /**
   * Adds an adapter set called {@code name} (letters, digits, {@code _ . -}) on the layers the
   * specs pick, as {@link #lora(LoraSpec...)} does; a layer another set adapts then holds one
   * adapter per name over one shared base. The new set becomes the active one. A name that
   * exists is an error. See {@link dev.graft.dsl.lora.AdapterSet}.
   */
  public Net lora(String name, LoraSpec... specs) {
    return ManyAdapters.lora(this, name, List.of(specs));
  }

  /** The adapter names, in the order they were added ({@code "default"} for unnamed ones). */
  public List<String> adapterNames() {
    return ManyAdapters.names(this);
  }

  /**
   * A net in which only {@code names} act (their contributions add) and train; the other
   * adapters are kept, frozen. No name: the base's forward.
   */
  public Net activate(String... names) {
    return ManyAdapters.activate(this, names);
  }

  /** A net without adapter {@code name}; layers it alone adapted are plain again. */
  public Net deleteAdapter(String name) {
    return ManyAdapters.delete(this, name);
  }

  /**
   * A new adapter set {@code newName} whose update is exactly {@code Σ weight·update} of the
   * named sets (low-rank factors concatenated, rank the sum of the ranks: PEFT's {@code cat}).
   * The active set is unchanged. See {@link Combined}.
   */
  public Net combine(String newName, Map<String, Double> weights) {
    return Combination.combine(this, newName, weights, 0).net();
  }

  /**
   * As {@link #combine(String, Map)}, each layer's summed update cut to its best rank-{@code
   * rank} approximation (PEFT's {@code svd}); reports the energy each layer lost.
   */
  public Combined combine(String newName, Map<String, Double> weights, int rank) {
    if (rank < 1) {
      throw new IllegalArgumentException("combine: svd rank must be >= 1, got " + rank);
    }
    return Combination.combine(this, newName, weights, rank);
  }

  /**
   * One forward pass in which row {@code i} of {@code x} goes through the adapter named {@code
   * adapterPerRow.get(i)} alone, or none for {@code "__base__"} (PEFT's {@code adapter_names=}).
   */
  public Tensor apply(Tensor x, List<String> adapterPerRow) {
    return ManyAdapters.route(this, x, adapterPerRow);
  }

  /**
   * A net sharing everything with this one but adapter {@code name}'s trainable tensors, read
   * from the PEFT-layout {@code dir} (PEFT's hot-swap); shapes must match.
   */
  public Net hotSwap(String name, java.nio.file.Path dir) {
    return Pretrained.hotSwap(this, name, dir);
  }

  /**
   * This net with every PiSSA and MiLoRA adapter replaced by the plain LoRA of rank {@code 2r}
   * that gives the same update relative to the original weights ({@code A' = [A; A₀]}, {@code
   * B' = [B, −B₀]}), read from {@code initial}, the net as it was before training (PEFT's {@code
   * path_initial_model_for_weight_conversion}); save it with {@link #saveAdapter} to load it into
   * any LoRA runtime on the original model.
   */
  public Net toPlainLora(Net initial) {
    return ResidualConversion.toPlainLora(this, initial);
  }

  /**
   * The adapted net saved in {@code dir} by {@link #saveAdapter}, built on {@code base} without
   * a prior {@code lora} call (PEFT's {@code PeftModel.from_pretrained}): the adapter at the root
   * is {@code "default"}, each subfolder holding one is the adapter of that name (in name order
   * after the default). The first is active. A directory written by PEFT itself is read from its
   * PEFT fields, as {@link #loadPeft} reads it.
   */
  public static Net fromPretrained(Layer base, java.nio.file.Path dir) {
    return Pretrained.fromPretrained(base, dir);
  }

  Net withAdapters(Layer newModule, Set<Path> newTrainable) {
    return new Net(newModule, ordered(newTrainable), null, parked, parking);
  }

  @Nullable Mask selection() {
    return selection;
  }

  Set<Path> trainableSet() {
    return trainable;
  }

  /**
   * A net whose adapted layers are plain layers of the base's type again, with equal outputs.
   * {@link #unmerge()} on the result restores the adapters bit for bit. A layer whose merged
   * weights hold a NaN or an infinity (a diverged adapter, an overflowing product) is refused
   * with an error naming it, and nothing is merged; {@link #merge(Mask, boolean)} opts out.
   */
  public Net merge() {
    return merge(Mask.all(), true);
  }

  /** {@link #merge()} of the adapters {@code layers} selects (a layer with any leaf in it). */
  public Net merge(Mask layers) {
    return merge(layers, true);
  }

  /**
   * {@link #merge(Mask)}; with {@code refuseNonFinite} false, non-finite merged weights are kept
   * as they are (PEFT's {@code safe_merge=False}).
   */
  public Net merge(Mask layers, boolean refuseNonFinite) {
    return park(Parking.MERGED, "merge", layers, refuseNonFinite);
  }

  /** Undoes {@link #merge()}: every merged adapter comes back exactly as it was. */
  public Net unmerge() {
    return unmerge(Mask.all());
  }

  /** Undoes {@link #merge()} for the merged layers {@code layers} selects. */
  public Net unmerge(Mask layers) {
    if (parking != Parking.MERGED) {
      throw new IllegalStateException("unmerge: this net was not produced by merge()");
    }
    return restore("unmerge", layers);
  }

  /** A net whose forward equals the bases' (each wrapper's {@code base()}); adapters kept aside. */
  public Net disableAdapters() {
    return disableAdapters(Mask.all());
  }

  /** {@link #disableAdapters()} for the adapters {@code layers} selects. */
  public Net disableAdapters(Mask layers) {
    return park(Parking.DISABLED, "disableAdapters", layers, false);
  }

  /** Undoes {@link #disableAdapters()}. */
  public Net enableAdapters() {
    return enableAdapters(Mask.all());
  }

  /** Undoes {@link #disableAdapters()} for the disabled layers {@code layers} selects. */
  public Net enableAdapters(Mask layers) {
    if (parking != Parking.DISABLED) {
      throw new IllegalStateException("enableAdapters: adapters are not disabled");
    }
    return restore("enableAdapters", layers);
  }

  /** Whether this net holds adapters set aside by {@link #merge()}. */
  public boolean isMerged() {
    return parking == Parking.MERGED;
  }

  /** Whether this net holds adapters set aside by {@link #disableAdapters()}. */
  public boolean isDisabled() {
    return parking == Parking.DISABLED;
  }

  /** Whether the adapter of the layer at {@code layer} is active, merged or disabled. */
  public AdapterState adapterState(Path layer) {
    if (parked.containsKey(layer)) {
      return parking == Parking.MERGED ? AdapterState.MERGED : AdapterState.DISABLED;
    }
    if (adapters().containsKey(layer)) {
      return AdapterState.ACTIVE;
    }
    throw new IllegalArgumentException("adapterState: no adapter at '" + layer + "'; adapters at "
        + adapters().keySet() + (parked.isEmpty() ? "" : ", set aside at " + parked.keySet()));
  }

  /** Trainable parameters among the leaves {@code mask} selects (one layer: its adapter's). */
  public long trainableCount(Mask mask) {
    long n = 0;
    Set<Path> chosen = mask.resolve(module);
    for (Path p : trainablePaths()) {
      n += chosen.contains(p) ? ((Tensor) Tree.get(module, p)).size() : 0;
    }
    return n;
  }

  /** The wrappers in the tree, by layer path. */
  public Map<Path, LoraWrapper> adapters() {
    return AdaptedLayers.of(module);
  }

  private Net park(Parking mode, String op, Mask layers, boolean refuseNonFinite) {
    if (parking != Parking.NONE && parking != mode) {
      requireActive(op);
    }
    Map<Path, LoraWrapper> wrappers = adapters();
    Set<Path> leaves = layers.resolve(module);
    Map<Path, LoraWrapper> chosen = new LinkedHashMap<>();
    wrappers.forEach((p, w) -> {
      if (Grafting.anyLeafUnder(leaves, p) || leaves.contains(p)) {
        chosen.put(p, w);
      }
    });
    if (chosen.isEmpty()) {
      if (wrappers.isEmpty()) {
        requireActive(op);
        throw new IllegalStateException(mode == Parking.MERGED
            ? "merge: the net has no adapters to merge" : op + ": the net has no adapters");
      }
      throw new IllegalArgumentException(op + ": " + layers + " selects none of the adapters at "
          + wrappers.keySet());
    }
    Layer m = module;
    for (Map.Entry<Path, LoraWrapper> e : chosen.entrySet()) {
      LoraWrapper w = e.getValue();
      Layer layer = mode == Parking.MERGED ? w.merge() : w.base();
      if (refuseNonFinite) {
        MergeCheck.requireFinite(e.getKey(), w, layer);
      }
      m = Grafting.put(m, e.getKey(), layer);
    }
    Map<Path, LoraWrapper> all = new LinkedHashMap<>(parked);
    all.putAll(chosen);
    return new Net(m, trainable, selection, all, mode);
  }

  private Net restore(String op, Mask layers) {
    Set<Path> leaves = layers.resolve(module);
    Layer m = module;
    Map<Path, LoraWrapper> left = new LinkedHashMap<>(parked);
    for (Map.Entry<Path, LoraWrapper> e : parked.entrySet()) {
      if (Grafting.anyLeafUnder(leaves, e.getKey()) || leaves.contains(e.getKey())) {
        m = Grafting.put(m, e.getKey(), e.getValue());
        left.remove(e.getKey());
      }
    }
    if (left.size() == parked.size()) {
      throw new IllegalArgumentException(op + ": " + layers + " selects none of the layers set"
          + " aside at " + parked.keySet());
    }
    return new Net(m, trainable, selection, left, left.isEmpty() ? Parking.NONE : parking);
  }

  private void requireActive(String op) {
    if (parking != Parking.NONE) {
      throw new IllegalStateException(op + ": adapters are "
          + (parking == Parking.MERGED ? "merged; call unmerge() first"
              : "disabled; call enableAdapters() first"));
    }
  }

  private Set<Path> ordered(Set<Path> paths) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path p : Tree.paths(module)) {
      if (paths.contains(p)) {
        out.add(p);
      }
    }
    for (Path p : paths) {
      out.add(p);
    }
    return out;
  }

  /**
   * This net with another tree of the same structure (for example after an optimizer step or a
   * load): trainability, selection and parked adapters are kept.
   */
  @Override
  public Net withModule(Layer newModule) {
    return new Net(newModule, trainable, selection, parked, parking);
  }

  // ------------------------------------------------------------------ training

  /**
   * One update of the trainable leaves by {@code optimizer} from their gradients (as {@link
   * #valueAndGrad} returns them) and the optimizer's state; the same as {@code
   * optimizer.step(this, grads, state)}. See {@link Optimizer#step}.
   */
  public Step<Net> step(Optimizer optimizer, Map<Path, Tensor> grads, OptState state) {
    return optimizer.step(this, grads, state);
  }

  /**
   * The value of {@code loss} at this net's model and its gradient with respect to every trainable
   * leaf (the frozen leaves are constants: no gradient is computed for them). {@code loss} applies
   * the model to a batch it captures: {@code m -> Losses.mse(m.apply(x), y)}. See {@link
   * Gradients}.
   */
  public LossAndGrads valueAndGrad(
      Function<Layer, Tensor> loss) {
    return Gradients.valueAndGrad(this, loss);
  }

  /**
   * This net trained for {@code epochs} passes over {@code batches} with {@code optimizer},
   * minimizing {@code loss(model, batch)}; only the trainable leaves change. Use {@link
   * Trainer} for schedules, clipping, dropout keys, evaluation, history and
   * plots.
   */
  public <B> Net fit(List<B> batches,
      BiFunction<Layer, B, Tensor> loss,
      Optimizer optimizer, int epochs) {
    return Trainer.builder().optimizer(optimizer).epochs(epochs).build()
        .fit(this, batches, loss).net();
  }

  // ------------------------------------------------------------------ checkpoints

  /**
   * Writes every leaf and the trainable paths to a safetensors {@code file}; see {@link
   * Checkpoints#save}.
   */
  public void save(java.nio.file.Path file) {
    Checkpoints.save(this, file);
  }

  /**
   * A net over {@code tree} with every leaf read from {@code file} (slash or dotted keys), all or
   * nothing; see {@link Checkpoints#load}.
   */
  public static Net load(java.nio.file.Path file, Layer tree) {
    TrainableTree loaded = Checkpoints.load(file, tree);
    return Net.of(loaded.module()).freeze().unfreeze(Mask.of(loaded.trainablePaths()));
  }

  /**
   * This net with its base weights read from a checkpoint saved before adapters were added; see
   * {@link Checkpoints#loadBase}.
   */
  public Net loadBase(java.nio.file.Path file) {
    if (parking != Parking.NONE) {
      throw new IllegalStateException("loadBase: the net's adapters are merged or disabled, so"
          + " they hold their own copy of the base; call unmerge() or enableAdapters() first");
    }
    return withModule(Checkpoints.loadBase(module, file));
  }

  /**
   * Writes the adapters in Hugging Face PEFT's layout to {@code dir}; see {@link
   * PeftAdapters#save(Layer, List, java.nio.file.Path)}. Named adapters: {@code "default"} at
   * the root, each other in the subfolder of its name.
   */
  public void saveAdapter(java.nio.file.Path dir) {
    Pretrained.save(this, dir);
  }

  /**
   * This net with its adapter tensors read from a PEFT-layout {@code dir} onto the same adapters;
   * see {@link PeftAdapters#load}. Named adapters are read from their folders as saved.
   */
  public Net loadAdapter(java.nio.file.Path dir) {
    return Pretrained.loadAll(this, dir);
  }

  /**
   * A PEFT directory applied to this net, as {@code PeftModel.from_pretrained(model, dir)} does:
   * the net frozen, adapted by the specs its config describes ({@link PeftAdapters#specs}), its
   * adapter tensors (and VeRA's stored projections, and {@code modules_to_save} leaves, which are
   * left trainable) read from {@code dir}. Only PEFT's fields are read, so this is how a folder
   * PEFT wrote is loaded; PiSSA's residual is rebuilt from this net's weights, as PEFT does.
   */
  public Net loadPeft(java.nio.file.Path dir) {
    return PeftNet.loadOnto(this, dir);
  }

  /**
   * This net with its MiLoRA and PiSSA layers (Linear) re-expressed as plain LoRA of rank {@code
   * 2r} over {@code original}'s weights (the plain model they were made from), computing the same
   * function: the form PEFT loads onto the original model. See {@link PeftAdapters#relativeTo}.
   */
  public Net relativeTo(Net original) {
    return withModule(PeftAdapters.relativeTo(module, original.module()));
  }

  // ------------------------------------------------------------------ forward

  /** The model's forward pass. */
  public Tensor apply(Tensor x) {
    return module.apply(x);
  }

  /** The forward pass with randomness (dropout) drawn from {@code key}. */
  public Tensor apply(Tensor x, @Nullable Key key) {
    return module.apply(x, key);
  }

  /** Kotlin's call operator: {@code net(x)}. */
  public Tensor invoke(Tensor x) {
    return apply(x);
  }

  /** A table of leaf paths, shapes, trainable flags and parameter counts. */
  public String summary() {
    return NetSummary.render(this);
  }

  /**
   * Short: parameter counts, whether adapters are merged or disabled, and the pending {@link
   * #mask} if any; use {@link #summary()} for the table.
   */
  @Override
  public String toString() {
    return "Net[" + module.getClass().getSimpleName() + ", trainable " + trainableCount() + " of "
        + totalCount()
        + (parking == Parking.NONE ? "" : ", " + parking.name().toLowerCase(Locale.ROOT))
        + (selection == null ? "" : ", pending mask " + selection) + "]";
  }
}
