//! The command line, as clap sees it.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Lantern: keeps adult social care safe when digital systems fail.
#[derive(Parser, Debug)]
#[command(name = "lantern", version, about)]
pub struct Cli {
    /// The data directory (database and node key).
    #[arg(
        long,
        global = true,
        env = "LANTERN_DATA",
        default_value = "./lantern-data"
    )]
    pub data: PathBuf,
    /// Act as this member of staff (required for decisions and rule changes).
    #[arg(
        long = "as",
        global = true,
        env = "LANTERN_AS",
        value_name = "STAFF_ID"
    )]
    pub as_staff: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new data directory: database, migrations, this node's signing key.
    Init {
        /// The organisation's name.
        #[arg(long)]
        org: String,
    },
    /// Load (or reuse) the synthetic demo organisation and show an overview.
    Demo {
        /// How many people (60 by default; more for load tests).
        #[arg(long, default_value_t = lantern_app::demo::DEMO_PEOPLE)]
        people: usize,
    },
    /// Check every event's chain link, hash and signature, and that projections match a rebuild.
    Verify,
    /// Rebuild the current-state tables from the journal.
    Rebuild,
    /// Show the most recent journal events.
    Log {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// People supported.
    #[command(subcommand)]
    Person(PersonCmd),
    /// A person's minimum essential information (six sections).
    #[command(subcommand)]
    Mei(MeiCmd),
    /// Check readiness at a handover point (recorded in the journal unless --dry-run).
    Check {
        /// Person identifier.
        person: String,
        /// Handover point: rapid-start, hospital-discharge, subcontracted-visit, routine-visit, transfer.
        #[arg(long)]
        handover: String,
        /// Evaluate without recording.
        #[arg(long)]
        dry_run: bool,
    },
    /// Record a manager's decision about a readiness outcome (override or acceptance).
    Decide {
        /// Person identifier.
        person: String,
        /// Handover point.
        #[arg(long)]
        handover: String,
        /// What was decided.
        #[arg(long)]
        decision: String,
        /// Why.
        #[arg(long)]
        rationale: String,
        /// When any restriction is reviewed (RFC 3339 or London time `YYYY-MM-DD HH:MM`).
        #[arg(long)]
        review_at: Option<String>,
    },
    /// Export: the whole journal (supplier exit).
    #[command(subcommand)]
    Export(ExportCmd),
    /// Import from other systems: FHIR R4 / UK Core, CSV, or a whole-journal export.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Measure: `lantern bench import PATH...` prints a table of import throughput.
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Printed downtime packs and rota backups, and the register of what is printed.
    #[command(subcommand)]
    Print(PrintCmd),
    /// Source systems kept in step by live sync (FHIR search by `_lastUpdated`).
    #[command(subcommand)]
    Source(SourceCmd),
    /// Handover rule sets.
    #[command(subcommand)]
    Rules(RulesCmd),
    /// The dependency register: status, probes, history; mark degraded or restored by hand.
    #[command(subcommand)]
    Dependency(DependencyCmd),
    /// Disruptions: declare, status (with timeline and watch), stage changes, roles, playbook.
    #[command(subcommand)]
    Disruption(DisruptionCmd),
    /// Make a downtime record: `lantern record KIND --help` lists a kind's fields.
    /// Kinds: decision, call, incident, visit, mar, instruction, comms.
    #[command(disable_help_flag = true)]
    Record {
        /// decision, call, incident, visit, mar, instruction or comms.
        kind: String,
        /// The kind's fields as --flags (see `lantern record KIND --help`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Escalations: start a ladder, acknowledge, and move ladders and follow-ups on (tick).
    #[command(subcommand)]
    Escalation(EscalationCmd),
    /// Escalation ladders.
    #[command(subcommand)]
    Ladder(LadderCmd),
    /// Integrity audits against the main system (S9) and their trend.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Post-incident reviews.
    #[command(subcommand)]
    Review(ReviewCmd),
    /// The quality improvement plan: actions from reviews, with owners, due dates and status.
    #[command(subcommand)]
    Qi(QiCmd),
    /// Reconciliation into the main record: the board, export for back-entry, confirm, set
    /// aside, and the no-loss check.
    #[command(subcommand)]
    Reconcile(ReconcileCmd),
    /// Write an evidence pack: evidence.pdf for people, bundle.json (the events and their proof)
    /// and the node-signed manifest.json.
    Evidence {
        /// One disruption and what bears on it.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        disruption: Option<String>,
        /// Or every event from this time...
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// ...to this time.
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// A new or empty folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an evidence pack on any machine, without the database. Exits 1 naming what failed.
    VerifyEvidence {
        /// The pack's folder.
        dir: PathBuf,
    },
    /// Services.
    #[command(subcommand)]
    Service(ServiceCmd),
    /// Staff.
    #[command(subcommand)]
    Staff(StaffCmd),
    /// Partner organisations.
    #[command(subcommand)]
    Partner(PartnerCmd),
    /// Named contacts at partner organisations.
    #[command(subcommand)]
    Contact(ContactCmd),
    /// Serve the web UI and JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Load (or reuse) the demo organisation first, with its sign-in accounts.
        #[arg(long)]
        demo: bool,
        /// Serve HTTPS with this certificate (PEM; with --tls-key).
        #[arg(long, requires = "tls_key", conflicts_with = "tls_self_signed")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
        /// Serve HTTPS with a self-signed certificate kept in DATA/tls/ (generated once).
        #[arg(long)]
        tls_self_signed: bool,
        /// Database connections for concurrent requests.
        #[arg(long, default_value_t = 4)]
        connections: usize,
        /// Each day at --print-at, write tomorrow's rotas and superseded pages to this folder.
        #[arg(long, requires = "print_at")]
        print_folder: Option<PathBuf>,
        /// When the scheduled print runs, HH:MM London time.
        #[arg(long, requires = "print_folder")]
        print_at: Option<String>,
    },
    /// Sign-in accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Planned visits on a day.
    Visits {
        /// The day, YYYY-MM-DD (default today, London time).
        #[arg(long)]
        date: Option<String>,
    },
}

/// `lantern user ...`
#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// List accounts.
    List,
    /// Create an account; prints a one-time password that must be changed at first sign-in.
    Add {
        /// Sign-in name.
        username: String,
        /// Role for a new member of staff (when --staff is not given).
        #[arg(long)]
        role: Option<String>,
        /// Name for a new member of staff (default: the sign-in name).
        #[arg(long)]
        name: Option<String>,
        /// An existing member of staff to link instead.
        #[arg(long)]
        staff: Option<String>,
    },
}

/// `lantern person ...`
#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// List people with the status of their six sections.
    List {
        /// Only this service.
        #[arg(long)]
        service: Option<String>,
    },
    /// Show a person and their essential information.
    Show {
        /// Person identifier.
        id: String,
    },
    /// Add a person.
    Add(PersonAddArgs),
    /// Every journal event about a person, in order.
    History {
        /// Person identifier.
        id: String,
    },
}

/// Fields of a new person.
#[derive(Args, Debug)]
pub struct PersonAddArgs {
    /// Identifier, such as p-0100.
    #[arg(long)]
    pub id: String,
    /// Given name.
    #[arg(long)]
    pub given: String,
    /// Family name.
    #[arg(long)]
    pub family: String,
    /// Date of birth, YYYY-MM-DD.
    #[arg(long)]
    pub dob: String,
    /// NHS number (checked).
    #[arg(long)]
    pub nhs: Option<String>,
    /// Service identifier.
    #[arg(long)]
    pub service: String,
    /// Address.
    #[arg(long, default_value = "")]
    pub address: String,
    /// Access or key-safe note.
    #[arg(long)]
    pub access_note: Option<String>,
    /// A key contact as `NAME;RELATIONSHIP;PHONE` (repeatable).
    #[arg(long = "key-contact", value_name = "NAME;RELATIONSHIP;PHONE")]
    pub key_contacts: Vec<String>,
    /// Lives alone.
    #[arg(long)]
    pub lives_alone: bool,
}

/// How a section was confirmed.
#[derive(Args, Debug)]
pub struct ProvenanceArgs {
    /// Source system or partner.
    #[arg(long)]
    pub source: String,
    /// Method: portal, phone, in_person, document, import.
    #[arg(long)]
    pub method: String,
    /// For --method phone: the named contact spoken to.
    #[arg(long)]
    pub contact: Option<String>,
    /// Who confirmed it (default: you).
    #[arg(long)]
    pub confirmed_by: Option<String>,
    /// When (default now): RFC 3339 or London time `YYYY-MM-DD HH:MM`.
    #[arg(long)]
    pub confirmed_at: Option<String>,
    /// Days until it becomes stale (default depends on the section).
    #[arg(long)]
    pub stale_after_days: Option<u32>,
}

/// `lantern mei ...`
#[derive(Subcommand, Debug)]
pub enum MeiCmd {
    /// Show a person's sections (or one section) with provenance and status.
    Show {
        /// Person identifier.
        person: String,
        /// One section: risks, medication, mobility, communication, consent, escalation.
        section: Option<String>,
    },
    /// Set a section's content from JSON, with provenance.
    Set {
        /// Person identifier.
        person: String,
        /// Section.
        section: String,
        /// JSON file with the content (`-` for standard input).
        #[arg(long, conflicts_with = "content")]
        file: Option<PathBuf>,
        /// The content as a JSON string.
        #[arg(long)]
        content: Option<String>,
        #[command(flatten)]
        provenance: ProvenanceArgs,
    },
    /// Confirm a section unchanged (clears a stale or disputed mark).
    Confirm {
        /// Person identifier.
        person: String,
        /// Section.
        section: String,
        #[command(flatten)]
        provenance: ProvenanceArgs,
    },
    /// Mark a section stale or disputed until it is confirmed again.
    Mark {
        /// Person identifier.
        person: String,
        /// Section.
        section: String,
        /// Mark as disputed (default: stale).
        #[arg(long)]
        disputed: bool,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

/// `lantern import ...`
#[derive(Subcommand, Debug)]
pub enum ImportCmd {
    /// FHIR R4 JSON files or folders (Bundles or single resources), each file all or nothing.
    Fhir {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The source system's name: every imported fact names it.
        #[arg(long, default_value = "fhir-import")]
        source: String,
        /// The service new people are added to (needed when there is more than one).
        #[arg(long)]
        service: Option<String>,
        /// This is everything the source holds: flag held records that are absent.
        #[arg(long)]
        full: bool,
    },
    /// A CSV file of one kind (people, risks, medication, mobility, communication, consent,
    /// escalation, contacts, visits); columns in docs/csv-import.md.
    Csv {
        /// The kind of file.
        kind: String,
        /// The file (not needed with --template).
        #[arg(required_unless_present = "template")]
        file: Option<PathBuf>,
        /// Write a header-only template for KIND to standard output instead.
        #[arg(long)]
        template: bool,
        /// The source system's name.
        #[arg(long, default_value = "csv")]
        source: String,
        /// The service for people whose rows name none.
        #[arg(long)]
        service: Option<String>,
    },
    /// A whole-journal export (`lantern export all`) into a new, empty data directory.
    All {
        /// The export folder.
        from: PathBuf,
    },
}

/// `lantern bench ...`
#[derive(Subcommand, Debug)]
pub enum BenchCmd {
    /// A long disruption: the cost of each downtime record as the disruption grows, and of
    /// reading it back (console, timeline).
    Disruption {
        /// How many records.
        #[arg(long, default_value_t = 2000)]
        records: usize,
    },
    /// Printing packs for a generated organisation, beside Chromium printing the same text as HTML.
    Print {
        /// How many people in the generated demo organisation (across its services).
        #[arg(long, default_value_t = 1000)]
        people: usize,
    },
    /// FHIR import throughput on files (the Synthea set, say) beside a plain serde_json parse.
    Import {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rounds of each measurement (the best is reported).
        #[arg(long, default_value_t = 10)]
        rounds: u32,
    },
}

/// `lantern print ...`
#[derive(Subcommand, Debug)]
pub enum PrintCmd {
    /// A downtime pack (PDF): cover, each person's essentials and medication sheet, escalation
    /// contacts, blank forms, and pre-filled MARs.
    Pack {
        /// The service.
        #[arg(long)]
        service: String,
        /// Only these people (repeat the flag).
        #[arg(long)]
        person: Vec<String>,
        /// Reprint only the pages of pack SERIAL that are superseded.
        #[arg(long)]
        reprint: Option<String>,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The day's rota backup (PDF).
    Rota {
        /// The service.
        #[arg(long)]
        service: String,
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// Prints not yet destroyed, and which are superseded with what changed.
    Status,
    /// What the daily schedule prints, now: tomorrow's rotas and the changed pages of superseded
    /// packs, into a printer's hot folder.
    Scheduled {
        /// The folder.
        #[arg(long)]
        folder: PathBuf,
    },
    /// Record that a printed copy was destroyed.
    Destroyed {
        /// Its serial.
        serial: String,
        /// How (shredded, confidential waste).
        #[arg(long)]
        how: String,
    },
}

/// `lantern source ...`
#[derive(Subcommand, Debug)]
pub enum SourceCmd {
    /// Register a FHIR R4 server to pull from (inside `lantern serve`, every --poll-minutes).
    Add {
        /// Its name: every fact taken from it names it; it is also its dependency's name.
        name: String,
        /// The server's base URL.
        #[arg(long)]
        fhir_base: String,
        /// Minutes between pulls.
        #[arg(long, default_value_t = 15)]
        poll_minutes: u32,
        /// The service new people from it join.
        #[arg(long)]
        service: String,
    },
    /// Registered sources.
    List,
    /// One record exactly as received (JSON), such as `lantern source record ehr Patient/123`.
    /// Reading a record about a person is audited like any read of their information.
    Record {
        /// The source.
        name: String,
        /// `Type/id`.
        key: String,
    },
    /// Pull everything changed since the newest record held, now.
    Pull {
        /// The source.
        name: String,
    },
}

/// `lantern export ...`
#[derive(Subcommand, Debug)]
pub enum ExportCmd {
    /// Records made in Lantern (section content and confirmations, marks, decisions, calls) as a
    /// FHIR R4 Bundle.
    Fhir {
        /// The file to write (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only this person.
        #[arg(long)]
        person: Option<String>,
        /// Only records made since (RFC 3339 or London time `YYYY-MM-DD HH:MM`).
        #[arg(long)]
        since: Option<String>,
    },
    /// The whole journal as JSON Lines, with a schema and a manifest (counts, SHA-256 of each file).
    All {
        /// The folder to write (created; must be empty).
        #[arg(long)]
        out: PathBuf,
    },
}

/// `lantern rules ...`
#[derive(Subcommand, Debug)]
pub enum RulesCmd {
    /// Every handover point with its current version.
    List,
    /// Show a rule set (current, or --version N).
    Show {
        /// Handover point.
        handover: String,
        /// Version.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Publish a new version from a JSON array of rules.
    Publish {
        /// Handover point.
        handover: String,
        /// JSON file with the rules (`-` for standard input).
        #[arg(long)]
        file: PathBuf,
        /// Why the rules change.
        #[arg(long)]
        reason: String,
        /// Published as an outcome of this disruption's post-incident review.
        #[arg(long)]
        review: Option<String>,
    },
}

/// `lantern dependency ...`
#[derive(Subcommand, Debug)]
pub enum DependencyCmd {
    /// The register with each dependency's status now.
    List,
    /// Add or replace a register entry from a JSON file (see docs/disruptions.md).
    Add {
        /// The JSON file.
        file: PathBuf,
    },
    /// Probe now (one dependency, or every one with a probe) and record what changed.
    Probe {
        /// Dependency; all when omitted.
        name: Option<String>,
    },
    /// A dependency's probe history (failures and recoveries).
    History {
        /// Dependency.
        name: String,
    },
    /// Mark a dependency degraded (readiness then applies degraded rules).
    Degrade {
        /// Dependency, such as referral-portal.
        name: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Mark a dependency restored.
    Restore {
        /// Dependency.
        name: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// `lantern service ...`
#[derive(Subcommand, Debug)]
pub enum ServiceCmd {
    /// List services.
    List,
    /// Add a service.
    Add {
        /// Identifier.
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// homecare, supported_living or care_home.
        #[arg(long)]
        kind: String,
    },
}

/// `lantern staff ...`
#[derive(Subcommand, Debug)]
pub enum StaffCmd {
    /// List staff.
    List,
    /// Add a member of staff.
    Add {
        /// Identifier.
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// Role: care_worker, senior_carer, coordinator, on_call_manager, registered_manager,
        /// subcontractor, quality_lead, auditor, admin.
        #[arg(long)]
        role: String,
        /// Home service.
        #[arg(long)]
        service: Option<String>,
        /// Subcontractor organisation (for subcontractor staff).
        #[arg(long)]
        partner: Option<String>,
        /// Phone.
        #[arg(long)]
        phone: Option<String>,
    },
}

/// `lantern partner ...`
#[derive(Subcommand, Debug)]
pub enum PartnerCmd {
    /// List partner organisations.
    List,
    /// Add a partner organisation.
    Add {
        /// Identifier.
        id: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// local_authority, hospital, safeguarding_hub, gp_practice, community_nursing, pharmacy,
        /// subcontractor or other.
        #[arg(long)]
        kind: String,
        /// Main or duty line.
        #[arg(long)]
        phone: Option<String>,
    },
}

/// `lantern contact ...`
#[derive(Subcommand, Debug)]
pub enum ContactCmd {
    /// List partner contacts.
    List,
    /// Add a contact.
    Add {
        /// Identifier.
        id: String,
        /// Partner organisation.
        #[arg(long)]
        partner: String,
        /// Name.
        #[arg(long)]
        name: String,
        /// Role there.
        #[arg(long, default_value = "")]
        role: String,
        /// Phone.
        #[arg(long)]
        phone: Option<String>,
        /// Email.
        #[arg(long)]
        email: Option<String>,
    },
}

/// `lantern disruption ...`
#[derive(Subcommand, Debug)]
pub enum DisruptionCmd {
    /// Declare a disruption (or confirm a probe's proposal with --id).
    Declare {
        /// What is down, in words.
        #[arg(long)]
        title: String,
        /// Affected dependency (repeat for several).
        #[arg(long = "dependency", value_name = "ID")]
        dependencies: Vec<String>,
        /// minor, major or critical.
        #[arg(long, default_value = "major")]
        severity: String,
        /// A drill (scenario test): marked everywhere, kept out of real figures.
        #[arg(long)]
        drill: bool,
        /// When it started, if before now.
        #[arg(long)]
        started_at: Option<String>,
        /// Identifier (give a proposal's to confirm it).
        #[arg(long)]
        id: Option<String>,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Every disruption with figures, or one in full (timeline, roles, playbook, escalations).
    Status {
        /// Disruption.
        id: Option<String>,
    },
    /// Move to another stage: stable, recovered, declared (relapse), closed, dismissed.
    Stage {
        /// Disruption.
        id: String,
        /// The stage.
        to: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close a recovered disruption.
    Close {
        /// Disruption.
        id: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Give a member of staff a role (lead, scribe, on-call); the previous holder hands over.
    Assign {
        /// Disruption.
        id: String,
        /// lead, scribe or on-call.
        #[arg(long)]
        role: String,
        /// Staff identifier.
        #[arg(long)]
        who: String,
    },
    /// Tick a playbook step (numbered as shown by status).
    Tick {
        /// Disruption.
        id: String,
        /// Step number.
        step: usize,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The high-priority watch: visits in the window and whether each is verified or explained.
    /// Exits 4 while any planned visit is outstanding.
    Watch {
        /// Disruption.
        id: String,
    },
}

/// `lantern escalation ...`
#[derive(Subcommand, Debug)]
pub enum EscalationCmd {
    /// Start a ladder in a disruption.
    Start {
        /// Ladder.
        #[arg(long)]
        ladder: String,
        /// What it is about.
        #[arg(long)]
        about: String,
        /// Disruption (default: the only open one).
        #[arg(long)]
        disruption: Option<String>,
        /// Person concerned (repeat).
        #[arg(long = "person")]
        people: Vec<String>,
    },
    /// Acknowledge an escalation: its ladder stops.
    Ack {
        /// Escalation.
        id: String,
        /// How it was acknowledged.
        #[arg(long)]
        note: String,
    },
    /// Take every ladder step and follow-up escalation that has fallen due (serve does this
    /// every 30 seconds). Email by LANTERN_SMTP_URL; webhooks by HTTP POST.
    Tick,
}

/// `lantern ladder ...`
#[derive(Subcommand, Debug)]
pub enum LadderCmd {
    /// Every ladder and its steps.
    List,
    /// Add or replace a ladder from a JSON file.
    Add {
        /// The JSON file.
        file: PathBuf,
    },
}

/// `lantern reconcile ...`
#[derive(Subcommand, Debug)]
pub enum ReconcileCmd {
    /// Every record of a disruption with where it stands, and the figures.
    Status {
        /// Disruption.
        disruption: String,
    },
    /// Export records for back-entry (all not yet settled, or --record ones), recording each
    /// record's content hash.
    Export {
        /// Disruption.
        disruption: String,
        /// fhir or csv.
        #[arg(long, default_value = "fhir")]
        format: String,
        /// Only these records (repeat).
        #[arg(long = "record")]
        records: Vec<String>,
        /// Where to write the file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Printable back-entry sheets per person (every record not yet settled, all its fields).
    Sheets {
        /// Disruption.
        disruption: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// Confirm exported records entered in the main record.
    Confirm {
        /// Disruption.
        disruption: String,
        /// Record (repeat).
        #[arg(long = "record", required = true)]
        records: Vec<String>,
        /// The main system's reference.
        #[arg(long = "ref")]
        main_ref: String,
    },
    /// Set records aside as not applicable to the main record.
    NotApplicable {
        /// Disruption.
        disruption: String,
        /// Record (repeat).
        #[arg(long = "record", required = true)]
        records: Vec<String>,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Prove an export file holds every field of every exported record, with the hash recorded
    /// at export; exits 5 naming what is missing.
    Check {
        /// Disruption.
        disruption: String,
        /// The exported file (FHIR or CSV).
        #[arg(long)]
        file: PathBuf,
    },
}

/// `lantern review ...`
#[derive(Subcommand, Debug)]
pub enum ReviewCmd {
    /// Record a review from a JSON file (see docs/disruptions.md).
    Record {
        /// The JSON file.
        #[arg(long)]
        file: PathBuf,
    },
    /// Show a disruption's review.
    Show {
        /// Disruption.
        disruption: String,
    },
}

/// `lantern qi ...`
#[derive(Subcommand, Debug)]
pub enum QiCmd {
    /// Every improvement action.
    List,
    /// Move an action on: open, in_progress, done, dropped (dropped needs a note).
    Update {
        /// Action.
        action: String,
        /// New status.
        #[arg(long)]
        status: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

/// `lantern audit ...`
#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Compare the main system's notes (CSV `person,date,record,sha256`, or `person,date,count`)
    /// with every record Lantern confirmed entered; exits 6 when any are missing or altered.
    Integrity {
        /// One disruption's records.
        #[arg(long, conflicts_with_all = ["from", "to"])]
        disruption: Option<String>,
        /// Or every confirmed record from...
        #[arg(long, requires = "to")]
        from: Option<String>,
        /// ...to.
        #[arg(long, requires = "from")]
        to: Option<String>,
        /// The main system's CSV.
        #[arg(long)]
        file: PathBuf,
        /// Raise an incident in the disruption, with these immediate protective actions.
        #[arg(long)]
        incident_actions: Option<String>,
        /// Who was told of the incident.
        #[arg(long)]
        told: Option<String>,
        /// A task to schedule, `WHAT|OWNER|YYYY-MM-DD` (temporary supervision, spot checks).
        #[arg(long = "task")]
        tasks: Vec<String>,
    },
    /// Every integrity audit, oldest first.
    Trend,
}
