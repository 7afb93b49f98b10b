//! The stored enumerations and the state machines of DOMAIN.md. Each machine
//! is a single table (`allowed_next`), so the store's CHECK constraints, the
//! services' guards and the TUI's action menus cannot disagree.

string_enum! {
    pub enum ProjectStatus : "project status" {
        Draft => "draft",
        Open => "open",
        Assigned => "assigned",
        InProgress => "in_progress",
        Delivered => "delivered",
        RevisionRequested => "revision_requested",
        Completed => "completed",
        Disputed => "disputed",
        Cancelled => "cancelled",
    }
}

// assigned → in_progress additionally needs the escrow held when escrow is on;
// that depends on stored data, so the service checks it, not this table.
state_machine!(ProjectStatus, "project", |s| {
    use ProjectStatus::*;
    match s {
        Draft => &[Open, Cancelled],
        Open => &[Assigned, Cancelled],
        Assigned => &[InProgress, Cancelled],
        InProgress => &[Delivered, Disputed],
        Delivered => &[Completed, RevisionRequested, Disputed],
        RevisionRequested => &[InProgress],
        Disputed => &[Completed, Cancelled],
        Completed | Cancelled => &[],
    }
});

impl ProjectStatus {
    /// Counts against a developer's `max_active_projects`.
    pub fn is_active(self) -> bool {
        use ProjectStatus::*;
        matches!(
            self,
            Assigned | InProgress | Delivered | RevisionRequested | Disputed
        )
    }
}

string_enum! {
    /// Also used by external commissions and referral rewards.
    pub enum CommissionStatus : "commission status" {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        Paid => "paid",
        Cancelled => "cancelled",
    }
}

state_machine!(CommissionStatus, "commission", |s| {
    use CommissionStatus::*;
    match s {
        Pending => &[Approved, Rejected, Cancelled],
        Approved => &[Paid, Cancelled],
        Rejected | Paid | Cancelled => &[],
    }
});

string_enum! {
    /// Zendesk's ticket lifecycle; `pending` (waiting on the customer) pauses the SLA.
    pub enum TicketStatus : "ticket status" {
        New => "new",
        Open => "open",
        Pending => "pending",
        OnHold => "on_hold",
        Solved => "solved",
        Closed => "closed",
    }
}

state_machine!(TicketStatus, "ticket", |s| {
    use TicketStatus::*;
    match s {
        New => &[Open, Pending, OnHold, Solved],
        Open => &[Pending, OnHold, Solved],
        Pending => &[Open, Solved],
        OnHold => &[Open, Solved],
        Solved => &[Open, Closed],
        Closed => &[],
    }
});

impl TicketStatus {
    /// Whether the SLA clock should be stopped while in this state.
    pub fn pauses_sla(self) -> bool {
        self == TicketStatus::Pending
    }
}

string_enum! {
    pub enum EscrowStatus : "escrow status" {
        AwaitingFunds => "awaiting_funds",
        Held => "held",
        Expired => "expired",
        PartiallyReleased => "partially_released",
        Released => "released",
        PartiallyRefunded => "partially_refunded",
        Refunded => "refunded",
        Disputed => "disputed",
    }
}

// A full release or refund straight from `held` is a single step; partial ones
// pass through the partially_* states (the status the amounts mean: see domain::escrow). Released/refunded amounts themselves are
// checked against the ledger by the service.
state_machine!(EscrowStatus, "escrow", |s| {
    use EscrowStatus::*;
    match s {
        AwaitingFunds => &[Held, Expired],
        Held => &[
            PartiallyReleased,
            Released,
            PartiallyRefunded,
            Refunded,
            Disputed,
        ],
        // A dispute may also arise after a milestone was released. Releases and refunds come
        // in any order until nothing is left: once anything was released the escrow is
        // partially released (and released when nothing is left), whatever was refunded.
        PartiallyReleased => &[Released, Disputed],
        PartiallyRefunded => &[PartiallyReleased, Released, Refunded, Disputed],
        Disputed => &[Released, Refunded],
        Expired | Released | Refunded => &[],
    }
});

string_enum! {
    pub enum ArticleStatus : "article status" {
        Draft => "draft",
        Review => "review",
        Published => "published",
        Archived => "archived",
    }
}

state_machine!(ArticleStatus, "article", |s| {
    use ArticleStatus::*;
    match s {
        Draft => &[Review, Published],
        Review => &[Draft, Published],
        // Unpublishing takes it back to draft.
        Published => &[Draft, Archived],
        Archived => &[Draft],
    }
});

string_enum! {
    pub enum TicketPriority : "ticket priority" {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

string_enum! {
    pub enum TicketCategory : "ticket category" {
        Billing => "billing",
        Technical => "technical",
        Dispute => "dispute",
        Account => "account",
        Other => "other",
    }
}

string_enum! {
    pub enum Availability : "availability" {
        Available => "available",
        Busy => "busy",
        Unavailable => "unavailable",
    }
}

string_enum! {
    pub enum ProfileType : "profile type" {
        Client => "client",
        Developer => "developer",
    }
}

string_enum! {
    pub enum PayoutMethod : "payout method" {
        OrangeMoney => "orange_money",
        MtnMomo => "mtn_momo",
        MoovMoney => "moov_money",
        Wave => "wave",
        Bank => "bank",
        Stripe => "stripe",
    }
}

impl PayoutMethod {
    /// The provider that pays out by this method (bank transfers go through CinetPay).
    pub fn provider(self) -> &'static str {
        match self {
            PayoutMethod::OrangeMoney => "orange_money",
            PayoutMethod::MtnMomo => "mtn_momo",
            PayoutMethod::MoovMoney => "moov_money",
            PayoutMethod::Wave => "wave",
            PayoutMethod::Stripe => "stripe",
            PayoutMethod::Bank => "cinetpay",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error::DomainError;

    #[test]
    fn strings_round_trip() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            s: fn(T) -> &'static str,
            p: fn(&str) -> Result<T, DomainError>,
        ) {
            for &v in all {
                assert_eq!(p(s(v)), Ok(v));
            }
        }
        check(
            ProjectStatus::ALL,
            ProjectStatus::as_str,
            ProjectStatus::parse,
        );
        check(
            CommissionStatus::ALL,
            CommissionStatus::as_str,
            CommissionStatus::parse,
        );
        check(TicketStatus::ALL, TicketStatus::as_str, TicketStatus::parse);
        check(EscrowStatus::ALL, EscrowStatus::as_str, EscrowStatus::parse);
        check(
            ArticleStatus::ALL,
            ArticleStatus::as_str,
            ArticleStatus::parse,
        );
        check(
            TicketPriority::ALL,
            TicketPriority::as_str,
            TicketPriority::parse,
        );
        check(
            TicketCategory::ALL,
            TicketCategory::as_str,
            TicketCategory::parse,
        );
        check(Availability::ALL, Availability::as_str, Availability::parse);
        check(ProfileType::ALL, ProfileType::as_str, ProfileType::parse);
        check(PayoutMethod::ALL, PayoutMethod::as_str, PayoutMethod::parse);
        assert_eq!(ProjectStatus::ALL.len(), 9);
        assert_eq!(EscrowStatus::ALL.len(), 8);
    }

    #[test]
    fn unknown_values_are_refused() {
        assert_eq!(
            ProjectStatus::parse("In_Progress"),
            Err(DomainError::UnknownStatus {
                kind: "project status",
                value: "In_Progress".into()
            })
        );
        let e = TicketPriority::parse("critical").unwrap_err();
        assert_eq!(e.to_string(), "\"critical\" is not a valid ticket priority");
    }

    #[test]
    fn serde_uses_stored_names() {
        // serde_json is a regular dependency of the crate.
        let json = serde_json::to_string(&ProjectStatus::RevisionRequested).unwrap();
        assert_eq!(json, "\"revision_requested\"");
        let back: PayoutMethod = serde_json::from_str("\"mtn_momo\"").unwrap();
        assert_eq!(back, PayoutMethod::MtnMomo);
        assert_eq!(TicketStatus::OnHold.to_string(), "on_hold");
        assert_eq!("wave".parse::<PayoutMethod>(), Ok(PayoutMethod::Wave));
    }

    #[test]
    fn project_happy_path_and_refusals() {
        use ProjectStatus::*;
        let mut s = Draft;
        for to in [
            Open,
            Assigned,
            InProgress,
            Delivered,
            RevisionRequested,
            InProgress,
            Delivered,
            Completed,
        ] {
            s = s.transition(to).unwrap();
        }
        assert!(s.is_terminal());
        let e = Draft.transition(Completed).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot move a project from draft to completed"
        );
        assert!(Draft.transition(Draft).is_err());
        assert!(InProgress.transition(Cancelled).is_err());
        assert_eq!(
            Delivered.next_states(),
            vec![Completed, RevisionRequested, Disputed]
        );
        let active: Vec<_> = ProjectStatus::ALL
            .iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(
            active,
            [
                &Assigned,
                &InProgress,
                &Delivered,
                &RevisionRequested,
                &Disputed
            ]
        );
    }

    #[test]
    fn other_machines() {
        use CommissionStatus as C;
        assert!(C::Pending.can_transition_to(C::Approved));
        assert!(!C::Approved.can_transition_to(C::Approved)); // approve once
        assert!(!C::Rejected.can_transition_to(C::Approved));
        assert!(!C::Paid.can_transition_to(C::Cancelled));

        use TicketStatus as T;
        assert!(T::Solved.can_transition_to(T::Open)); // reopen
        assert!(!T::Closed.can_transition_to(T::Open));
        assert!(!T::New.can_transition_to(T::Closed));
        assert!(T::Pending.pauses_sla());

        use EscrowStatus as E;
        assert!(E::Disputed.can_transition_to(E::Refunded));
        assert!(!E::AwaitingFunds.can_transition_to(E::Released));
        assert!(!E::PartiallyReleased.can_transition_to(E::Refunded));
        assert!(E::PartiallyRefunded.can_transition_to(E::PartiallyReleased));
        let e = E::Released.transition(E::Held).unwrap_err();
        assert_eq!(e.to_string(), "cannot move an escrow from released to held");

        use ArticleStatus as A;
        assert!(A::Archived.can_transition_to(A::Draft));
        assert!(!A::Archived.can_transition_to(A::Published));
    }
}
