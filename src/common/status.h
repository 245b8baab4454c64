// Status and Result<T>: errors as values on every data path.
//
// Codes are grouped by kind so that retry policy and exit status follow from the kind:
// configuration and planning errors are the user's to fix (exit 2), decode errors are expected
// outcomes routed to quarantine, retryable I/O may be retried, commit and internal errors end
// the query.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace sluice {

enum class StatusCode : int {
  kOk = 0,
  kConfig,       // invalid option, unknown connector, bad pipeline setting
  kPlan,         // syntax, binding, type errors in the pipeline file
  kDecode,       // malformed input record (expected; quarantined by policy)
  kRetryableIO,  // transient I/O: may succeed if retried
  kIO,           // permanent I/O error
  kCommit,       // a commit could not be completed
  kNotFound,     // a file, key or object does not exist
  kAlreadyExists,
  kOutOfRange,   // arithmetic overflow, index out of range
  kCancelled,    // stopped on request
  kInternal,     // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

/// The outcome of an operation: OK, or a code with a message. Cheap to copy when OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status OK() { return {}; }
  template <typename... Args>
  static Status Config(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kConfig, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Plan(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kPlan, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Decode(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kDecode, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status RetryableIO(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kRetryableIO, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status IOError(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kIO, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Commit(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kCommit, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status NotFound(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kNotFound, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status AlreadyExists(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kAlreadyExists, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status OutOfRange(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kOutOfRange, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Cancelled(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kCancelled, fmt::format(f, std::forward<Args>(args)...)};
  }
  template <typename... Args>
  static Status Internal(fmt::format_string<Args...> f, Args&&... args) {
    return {StatusCode::kInternal, fmt::format(f, std::forward<Args>(args)...)};
  }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;
  /// "Kind: message", or "OK".
  std::string ToString() const;
  /// The same code with `context` prepended to the message ("context: message").
  Status WithContext(std::string_view context) const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

/// A value or an error Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : storage_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(storage_).ok()) {
      storage_ = Status::Internal("Result constructed from an OK Status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(storage_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(storage_);
  }
  const T& ValueOrDie() const& { return std::get<T>(storage_); }
  T& ValueOrDie() & { return std::get<T>(storage_); }
  T&& ValueOrDie() && { return std::get<T>(std::move(storage_)); }
  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }
  T MoveValueUnsafe() { return std::get<T>(std::move(storage_)); }

 private:
  std::variant<T, Status> storage_;
};

namespace internal {
inline Status GenericToStatus(const Status& s) { return s; }
template <typename T>
Status GenericToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace sluice

#define SLUICE_CONCAT_IMPL(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_IMPL(a, b)

/// Returns from the enclosing function if `expr` (a Status or Result) is not OK.
#define RETURN_NOT_OK(expr)                                                     \
  do {                                                                          \
    ::sluice::Status _st = ::sluice::internal::GenericToStatus((expr));         \
    if (!_st.ok()) return _st;                                                  \
  } while (false)

#define SLUICE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).MoveValueUnsafe();

/// `ASSIGN_OR_RETURN(auto x, ComputeX());` — declares/assigns on success, returns the error otherwise.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  SLUICE_ASSIGN_OR_RETURN_IMPL(SLUICE_CONCAT(_result_, __LINE__), lhs, rexpr)

/// Invariant check with a message; active in all builds (cheap checks only).
#define SLUICE_DCHECK(cond, msg)                                                      \
  do {                                                                                \
    if (!(cond)) ::sluice::internal::DCheckFailed(__FILE__, __LINE__, #cond, (msg)); \
  } while (false)

namespace sluice::internal {
[[noreturn]] void DCheckFailed(const char* file, int line, const char* cond, std::string_view msg);
}  // namespace sluice::internal
