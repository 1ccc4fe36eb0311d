package org.iocsync.core;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** A target that passes every call on to another; tests override the calls they change. */
class ForwardingTarget implements SetTarget {
  private final SetTarget delegate;

  ForwardingTarget(SetTarget delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<ReferenceSet> find(String name) {
    return delegate.find(name);
  }

  @Override
  public ReferenceSet create(String name, ElementType elementType, @Nullable String timeToLive) {
    return delegate.create(name, elementType, timeToLive);
  }

  @Override
  public AddResult add(String set, List<String> values) {
    return delegate.add(set, values);
  }

  @Override
  public void remove(String set, List<String> values) {
    delegate.remove(set, values);
  }

  @Override
  public Stream<String> values(String set) {
    return delegate.values(set);
  }
}
