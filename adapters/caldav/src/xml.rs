//! Just enough XML for WebDAV multistatus answers: a small tree of elements
//! by local name.
//!
//! Namespaces are dropped on purpose: the few names meetbot reads
//! (`response`, `href`, `calendar-home-set`, `calendar-data` ...) do not
//! clash between the DAV: and CalDAV namespaces, and servers differ in the
//! prefixes they pick.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

/// An element: its local name, its text and its child elements.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Node {
    let attributes = e
        .attributes()
        .flatten()
        .map(|a| {
            let value = a
                .unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_default();
            (
                String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned(),
                value,
            )
        })
        .collect();
    Node {
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        attributes,
        ..Node::default()
    }
}

impl Node {
    /// The value of an attribute, by local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The direct children with this local name.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every descendant (depth first) with this local name.
    pub fn descendants(&self, name: &str) -> Vec<&Node> {
        let mut found = Vec::new();
        for child in &self.children {
            if child.name == name {
                found.push(child);
            }
            found.extend(child.descendants(name));
        }
        found
    }

    /// The first descendant (depth first) with this local name; the
    /// search stops there.
    pub fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|child| {
            if child.name == name {
                Some(child)
            } else {
                child.find(name)
            }
        })
    }

    /// The trimmed text of the first descendant `href` inside the first
    /// descendant named `name`.
    pub fn href_in(&self, name: &str) -> Option<String> {
        self.find(name)?
            .find("href")
            .map(|h| h.text.trim().to_owned())
            .filter(|h| !h.is_empty())
    }
}

/// Parses a document into its root element.
pub(crate) fn parse(xml: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let node = element(&e);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced XML")?;
                stack
                    .last_mut()
                    .ok_or("unbalanced XML")?
                    .children
                    .push(node);
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::CData(t) => {
                let text = t.decode().map_err(|e| e.to_string())?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| e.to_string())?
                        .map(String::from)
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    resolve_predefined_entity(&name).map(str::to_owned)
                };
                if let (Some(node), Some(text)) = (stack.last_mut(), resolved) {
                    node.text.push_str(&text);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().ok_or("empty XML")?;
    if !stack.is_empty() {
        return Err("unclosed XML element".to_owned());
    }
    document
        .children
        .pop()
        .ok_or_else(|| "XML without a root element".to_owned())
}

/// Escapes text for an XML attribute or element.
pub(crate) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multistatus_answer_reads_by_local_name_whatever_the_prefixes() {
        let xml = r#"<?xml version="1.0"?>
            <multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
              <response><href>/u/cal/</href>
                <propstat><prop>
                  <resourcetype><collection/><C:calendar/></resourcetype>
                  <C:calendar-data><![CDATA[BEGIN:VCALENDAR]]>&#13;
X &amp; Y</C:calendar-data>
                </prop><status>HTTP/1.1 200 OK</status></propstat>
              </response>
            </multistatus>"#;
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "multistatus");
        let response = root.children("response").next().unwrap();
        assert_eq!(response.find("href").unwrap().text, "/u/cal/");
        assert!(response.find("calendar").is_some());
        assert_eq!(
            response.find("calendar-data").unwrap().text,
            "BEGIN:VCALENDAR\r\nX & Y"
        );
    }
}
