//! An incremental Server-Sent Events parser: bytes in, events out. Used by the API to read providers'
//! streams and by the SPA to read the API's.
//!
//! Handles lines split across network chunks, `\r\n` endings, comment lines (`: OPENROUTER PROCESSING`),
//! multi-line `data:` fields, `event:` names and `id:`s (what a client sends back as `Last-Event-ID`); other
//! fields are ignored.

/// One event: its name (`event:` field, if any), its `id:` (if it has one) and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: Option<String>,
    pub id: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    event: Option<String>,
    id: Option<String>,
    data: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns every event completed by them (events without data are dropped, as in browsers).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(newline) = self.buffer.iter().position(|&b| b == b'\n') {
            let mut line: Vec<u8> = self.buffer.drain(..=newline).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line);
            if line.is_empty() {
                let (event, id) = (self.event.take(), self.id.take());
                if let Some(data) = self.data.take() {
                    events.push(SseEvent { event, id, data });
                }
            } else if line.starts_with(':') {
                // A comment: keep-alive or "processing" notice.
            } else {
                let (field, value) = line.split_once(':').unwrap_or((&line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                if field == "event" {
                    self.event = Some(value.to_owned());
                } else if field == "id" && !value.contains('\0') {
                    self.id = Some(value.to_owned());
                } else if field == "data" {
                    match &mut self.data {
                        Some(data) => {
                            data.push('\n');
                            data.push_str(value);
                        }
                        None => self.data = Some(value.to_owned()),
                    }
                }
            }
        }
        events
    }

    /// The last event, if the stream ended without its blank line.
    pub fn finish(&mut self) -> Option<SseEvent> {
        let rest = std::mem::take(&mut self.buffer);
        if !rest.is_empty() {
            let mut tail = self.feed(&rest);
            tail.extend(self.feed(b"\n"));
            if let Some(event) = tail.pop() {
                return Some(event);
            }
        }
        let (event, id) = (self.event.take(), self.id.take());
        self.data.take().map(|data| SseEvent { event, id, data })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_belong_to_their_event() {
        let mut parser = SseParser::new();
        let events = parser.feed(b"id: 12\nevent: delta\ndata: {}\n\nevent: done\ndata: {}\n\n");
        assert_eq!(events[0].id.as_deref(), Some("12"));
        assert_eq!(events[0].event.as_deref(), Some("delta"));
        assert_eq!(events[1].id, None);
    }

    #[test]
    fn events_split_anywhere_are_reassembled() {
        let stream = b": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\nevent: x\ndata: [DONE]\n\n";
        for split in 0..stream.len() {
            let mut parser = SseParser::new();
            let mut events = parser.feed(&stream[..split]);
            events.extend(parser.feed(&stream[split..]));
            let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
            assert_eq!(
                data,
                vec!["{\"a\":1}", "line one\nline two", "[DONE]"],
                "split at {split}"
            );
            assert_eq!(events[2].event.as_deref(), Some("x"));
            assert_eq!(events[0].event, None);
        }
    }

    #[test]
    fn a_final_event_without_blank_line_is_not_lost() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: last").is_empty());
        assert_eq!(parser.finish().map(|e| e.data).as_deref(), Some("last"));
    }
}
