// A small, strict-enough XML reader for S3 responses (ListBucketResult, Error,
// InitiateMultipartUploadResult, ListMultipartUploadsResult, DeleteResult...). Elements, text and
// the five named entities plus numeric references; attributes, comments, processing instructions
// and CDATA are skipped or kept as text. Bounded: depth <= 64.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::s3 {

/// One element: its local name (namespace prefix dropped), text content and children.
struct XmlElement {
  std::string name;
  std::string text;
  std::vector<XmlElement> children;

  /// The first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  /// The text of the first child named `name`, or "".
  std::string ChildText(std::string_view child_name) const;
  /// Every child named `name`.
  std::vector<const XmlElement*> Children(std::string_view child_name) const;
};

/// Parses a document into its root element. IOError on malformed input.
Result<XmlElement> ParseXml(std::string_view text);

/// Escapes text for an XML element body.
std::string XmlEscape(std::string_view text);

}  // namespace sluice::s3
