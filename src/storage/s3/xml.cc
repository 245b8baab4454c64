#include "storage/s3/xml.h"

#include <cstdlib>

namespace sluice::s3 {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<XmlElement> Document() {
    SkipMisc();
    if (pos_ >= text_.size() || text_[pos_] != '<') return Error("no root element");
    XmlElement root;
    RETURN_NOT_OK(Element(&root, 0));
    return root;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::IOError("malformed XML from the server at byte {}: {}", pos_, what);
  }

  bool StartsWithAt(std::string_view token) const {
    return text_.substr(pos_, token.size()) == token;
  }

  /// Skips whitespace, <?...?>, <!--...-->, <!DOCTYPE ...>.
  void SkipMisc() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        ++pos_;
      } else if (StartsWithAt("<?")) {
        SkipPast("?>");
      } else if (StartsWithAt("<!--")) {
        SkipPast("-->");
      } else if (StartsWithAt("<!")) {
        SkipPast(">");
      } else {
        return;
      }
    }
  }

  void SkipPast(std::string_view token) {
    size_t end = text_.find(token, pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end + token.size();
  }

  static std::string LocalName(std::string_view name) {
    size_t colon = name.find(':');
    return std::string(colon == std::string_view::npos ? name : name.substr(colon + 1));
  }

  Status Element(XmlElement* element, int depth) {
    if (depth > 64) return Error("nesting deeper than 64");
    ++pos_;  // '<'
    size_t name_start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '>' && text_[pos_] != '/' && text_[pos_] != ' ' &&
           text_[pos_] != '\t' && text_[pos_] != '\n' && text_[pos_] != '\r') {
      ++pos_;
    }
    std::string_view raw_name = text_.substr(name_start, pos_ - name_start);
    if (raw_name.empty()) return Error("empty element name");
    element->name = LocalName(raw_name);
    // Attributes: skipped (quoted values may contain '>').
    while (pos_ < text_.size() && text_[pos_] != '>' && !StartsWithAt("/>")) {
      if (text_[pos_] == '"' || text_[pos_] == '\'') {
        size_t end = text_.find(text_[pos_], pos_ + 1);
        if (end == std::string_view::npos) return Error("unterminated attribute");
        pos_ = end + 1;
      } else {
        ++pos_;
      }
    }
    if (pos_ >= text_.size()) return Error("unterminated start tag");
    if (StartsWithAt("/>")) {
      pos_ += 2;
      return Status::OK();
    }
    ++pos_;  // '>'
    while (pos_ < text_.size()) {
      if (StartsWithAt("</")) {
        size_t end = text_.find('>', pos_);
        if (end == std::string_view::npos) return Error("unterminated end tag");
        std::string closing = LocalName(text_.substr(pos_ + 2, end - pos_ - 2));
        while (!closing.empty() && (closing.back() == ' ' || closing.back() == '\n')) {
          closing.pop_back();
        }
        if (closing != element->name) {
          return Error("end tag </" + closing + "> does not close <" + element->name + ">");
        }
        pos_ = end + 1;
        return Status::OK();
      }
      if (StartsWithAt("<!--")) {
        SkipPast("-->");
      } else if (StartsWithAt("<![CDATA[")) {
        size_t end = text_.find("]]>", pos_);
        if (end == std::string_view::npos) return Error("unterminated CDATA");
        element->text.append(text_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (StartsWithAt("<?")) {
        SkipPast("?>");
      } else if (text_[pos_] == '<') {
        element->children.emplace_back();
        RETURN_NOT_OK(Element(&element->children.back(), depth + 1));
      } else if (text_[pos_] == '&') {
        RETURN_NOT_OK(Entity(&element->text));
      } else {
        size_t end = text_.find_first_of("<&", pos_);
        if (end == std::string_view::npos) end = text_.size();
        element->text.append(text_.substr(pos_, end - pos_));
        pos_ = end;
      }
    }
    return Error("unterminated element <" + element->name + ">");
  }

  Status Entity(std::string* out) {
    size_t end = text_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return Error("bad entity");
    std::string_view entity = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    if (entity == "amp") {
      out->push_back('&');
    } else if (entity == "lt") {
      out->push_back('<');
    } else if (entity == "gt") {
      out->push_back('>');
    } else if (entity == "quot") {
      out->push_back('"');
    } else if (entity == "apos") {
      out->push_back('\'');
    } else if (!entity.empty() && entity[0] == '#') {
      bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      std::string digits(entity.substr(hex ? 2 : 1));
      char* parse_end = nullptr;
      unsigned long code = std::strtoul(digits.c_str(), &parse_end, hex ? 16 : 10);
      if (digits.empty() || *parse_end != '\0' || code > 0x10FFFF) return Error("bad reference");
      AppendUtf8(static_cast<uint32_t>(code), out);
    } else {
      return Error("unknown entity");
    }
    return Status::OK();
  }

  static void AppendUtf8(uint32_t code, std::string* out) {
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const auto& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  return child == nullptr ? std::string() : child->text;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& child : children) {
    if (child.name == child_name) out.push_back(&child);
  }
  return out;
}

Result<XmlElement> ParseXml(std::string_view text) { return Parser(text).Document(); }

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace sluice::s3
