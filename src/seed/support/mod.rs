//! Support tickets (Zendesk's lifecycle with SLA stamps) and the conversations on projects and
//! tickets with their participants and messages.

mod conversations;
mod tickets;

pub(super) use conversations::{Conv, conversations, write_messages};
pub(super) use tickets::{Ticket, tickets, write};
