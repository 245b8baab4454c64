// Dremel shredding: a column of any type -> per leaf, definition and repetition levels plus the
// positions of the leaf values that are present. Vectorized per schema node (one pass per node
// over all rows), no allocation per value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "columnar/column.h"
#include "formats/parquet/schema.h"

namespace sluice::parquet {

/// A vector of plain values whose resize() leaves new elements uninitialized (level, position
/// and index buffers are always written before they are read, so zeroing them first is wasted
/// work). Grows by doubling; clear() keeps the memory, Release() frees it.
template <typename T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PodVector() = default;
  PodVector(PodVector&& other) noexcept { swap(other); }
  PodVector& operator=(PodVector&& other) noexcept {
    swap(other);
    return *this;
  }
  PodVector(const PodVector& other) { *this = other; }
  PodVector& operator=(const PodVector& other) {
    if (this != &other) {
      resize(other.size_);
      if (size_ > 0) std::memcpy(data_.get(), other.data_.get(), size_ * sizeof(T));
    }
    return *this;
  }

  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_.get(); }
  T* end() { return data_.get() + size_; }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }

  void clear() { size_ = 0; }
  void resize(size_t size) {
    if (size > capacity_) Grow(size);
    size_ = size;
  }
  void assign(size_t size, T value) {
    resize(size);
    std::fill_n(data_.get(), size, value);
  }
  void swap(PodVector& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }
  void Release() {
    data_.reset();
    size_ = capacity_ = 0;
  }

 private:
  void Grow(size_t size) {
    const size_t capacity = std::max<size_t>({size, capacity_ * 2, 64});
    auto data = std::make_unique_for_overwrite<T[]>(capacity);
    if (size_ > 0) std::memcpy(data.get(), data_.get(), size_ * sizeof(T));
    data_ = std::move(data);
    capacity_ = capacity;
  }

  std::unique_ptr<T[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// The levels of one leaf for a run of rows.
struct LeafLevels {
  ColumnRef leaf;                // the leaf's values column
  PodVector<int16_t> def;        // one per level; empty when max_def == 0 or all_defined
  PodVector<int16_t> rep;        // one per level; empty when max_rep == 0
  PodVector<int64_t> positions;  // rows of `leaf` holding the present values, in order
  bool identity = false;         // positions are 0..num_values-1 (not materialized)
  bool all_defined = false;      // every level is the leaf's max_def (not materialized)
  int64_t num_levels = 0;
  int64_t num_values = 0;  // present (non-null) values
};

/// The leaves of a shredded slice. Entries are reused from one slice to the next, so their
/// buffers keep their memory: shredding a slice of a flat column allocates nothing.
class ShreddedLeaves {
 public:
  /// Forgets the entries (and their references to columns), keeping their buffers.
  void Clear();
  /// The next entry, reset (its buffers empty, their capacity kept).
  LeafLevels& Add();
  size_t size() const { return size_; }
  const LeafLevels& operator[](size_t i) const { return leaves_[i]; }

 private:
  std::vector<LeafLevels> leaves_;
  size_t size_ = 0;
};

/// Shreds `column` (a top-level field described by `node`) into `out`, one entry per leaf under
/// `node`, in leaf order. A NULL in a REQUIRED field is a Decode error.
Status ShredColumn(const SchemaNode& node, const ColumnRef& column, ShreddedLeaves* out);

}  // namespace sluice::parquet
