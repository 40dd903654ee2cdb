//! An incremental Server-Sent Events parser: bytes in, `data` payloads out.
//!
//! Handles lines split across network chunks, `\r\n` endings, comment lines (`: OPENROUTER PROCESSING`),
//! multi-line `data:` fields, and fields other than `data` (ignored).

#[derive(Debug, Default)]
pub struct SseParser {
    buffer: Vec<u8>,
    data: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns the `data` payload of every event completed by them.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
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
                if let Some(data) = self.data.take() {
                    events.push(data);
                }
            } else if line.starts_with(':') {
                // A comment: keep-alive or "processing" notice.
            } else {
                let (field, value) = line.split_once(':').unwrap_or((&line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                if field == "data" {
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
    pub fn finish(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.buffer);
        if !rest.is_empty() {
            self.feed(&rest);
            let mut tail = self.feed(b"\n");
            if let Some(event) = tail.pop() {
                return Some(event);
            }
        }
        self.data.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_are_reassembled() {
        let stream = b": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\nevent: x\ndata: [DONE]\n\n";
        for split in 0..stream.len() {
            let mut parser = SseParser::new();
            let mut events = parser.feed(&stream[..split]);
            events.extend(parser.feed(&stream[split..]));
            assert_eq!(
                events,
                vec!["{\"a\":1}", "line one\nline two", "[DONE]"],
                "split at {split}"
            );
        }
    }

    #[test]
    fn a_final_event_without_blank_line_is_not_lost() {
        let mut parser = SseParser::new();
        assert!(parser.feed(b"data: last").is_empty());
        assert_eq!(parser.finish().as_deref(), Some("last"));
    }
}
