//! The command line, as clap sees it.

use crate::commands::admin::{ContactCmd, PartnerCmd, ServiceCmd, StaffCmd};
use crate::commands::bench::BenchCmd;
use crate::commands::disruption::{DependencyCmd, DisruptionCmd, EscalationCmd, LadderCmd};
use crate::commands::governance::{
    AssetCmd, AssuranceCmd, CommsCmd, DrillCmd, GovernanceCmd, MeetingCmd, NearMissCmd, OnCallCmd,
    PlanCmd, RiskCmd, SupplierCmd, TrainingCmd,
};
use crate::commands::interop::{ExportCmd, IdentityCmd, ImportCmd, SourceCmd};
use crate::commands::nodes::NodeCmd;
use crate::commands::people::mei::MeiCmd;
use crate::commands::people::person::PersonCmd;
use crate::commands::printing::PrintCmd;
use crate::commands::readiness::RulesCmd;
use crate::commands::recovery::reconcile::{AuditCmd, QiCmd, ReconcileCmd, ReviewCmd};
use crate::commands::referrals::ReferralCmd;
use crate::commands::serve::UserCmd;
use clap::{Parser, Subcommand};
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
    /// Open the data directory read-only (a restored copy, say): nothing in it changes and every
    /// change is refused. A data directory on a read-only mount is opened so anyway.
    #[arg(long, global = true, env = "LANTERN_READ_ONLY")]
    pub read_only: bool,
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
        #[arg(long, required_unless_present = "join", conflicts_with = "join")]
        org: Option<String>,
        /// Join an existing organisation as another node, with the invitation file `lantern node
        /// add` wrote on one of its nodes (which must be reachable now).
        #[arg(long)]
        join: Option<PathBuf>,
    },
    /// One replication round with each peer now: take what it holds and this node lacks, give
    /// what it lacks (every peer this node has replicated with, if none is named).
    Sync {
        /// A peer's address (https://HOST:PORT). Repeatable.
        #[arg(long)]
        peer: Vec<String>,
    },
    /// Load (or reuse) the synthetic demo organisation and show an overview.
    Demo {
        /// How many people (60 by default; more for load tests).
        #[arg(long, default_value_t = lantern_app::admin::demo::DEMO_PEOPLE)]
        people: usize,
    },
    /// Check every event's chain link, hash and signature, that every event's node is trusted,
    /// and that projections match a rebuild; with --against, also that the journal still holds
    /// what each checkpoint in the file says (a rollback or truncation is caught).
    Verify {
        /// A file of checkpoint lines (a witness file, or text copied from a printed pack).
        #[arg(long)]
        against: Option<PathBuf>,
    },
    /// Take a backup into a new file: a consistent snapshot while the server keeps writing, with
    /// the node key, verified by restoring it before it is put in place (admin).
    Backup {
        /// The backup file to write.
        #[arg(long, required_unless_present = "to")]
        out: Option<PathBuf>,
        /// Also (or instead) keep it off-site: S3-compatible object storage, s3://BUCKET/PREFIX
        /// (endpoint and credentials from AWS_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
        /// AWS_REGION). Encrypted here before it leaves, with --offsite-key.
        #[arg(long, requires = "offsite_key")]
        to: Option<String>,
        /// The off-site key file (`lantern backup-key`), kept outside the data directory.
        #[arg(long, env = "LANTERN_OFFSITE_KEY")]
        offsite_key: Option<PathBuf>,
        /// Off-site backups to keep (the oldest go).
        #[arg(long, default_value_t = 30)]
        keep: usize,
        /// Also delete off-site backups older than this many days (the newest always stays).
        #[arg(long)]
        keep_days: Option<u32>,
    },
    /// Make a new off-site backup key (32 random bytes, hex) in a new file, mode 0600. Keep it
    /// away from the data directory and the bucket: whoever holds both holds the backups.
    BackupKey {
        /// The key file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into the (new or empty) data directory `--data`, verified first: a file,
    /// or with --from the newest (or --object) off-site backup.
    Restore {
        /// The backup file.
        #[arg(required_unless_present = "from")]
        file: Option<PathBuf>,
        /// Off-site storage to restore from, s3://BUCKET/PREFIX.
        #[arg(long, conflicts_with = "file")]
        from: Option<String>,
        /// The off-site key file.
        #[arg(long, env = "LANTERN_OFFSITE_KEY")]
        offsite_key: Option<PathBuf>,
        /// Which off-site backup (default: the newest).
        #[arg(long, requires = "from")]
        object: Option<String>,
        /// List the off-site backups held and restore nothing.
        #[arg(long, requires = "from")]
        list: bool,
    },
    /// Restore a backup into a scratch directory, verify it, and record the test in the journal.
    RestoreTest {
        /// The backup file.
        file: PathBuf,
    },
    /// Sign a checkpoint of this node's head now, to keep outside the database.
    Checkpoint {
        /// Also append it to this witness file.
        #[arg(long)]
        witness: Option<PathBuf>,
    },
    /// The nodes this one trusts (trust anchors).
    #[command(subcommand)]
    Node(NodeCmd),
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
    /// The dashboard: degraded dependencies, open disruptions, readiness by service, people whose
    /// essential information needs attention, today's high-priority visits (within your scope).
    Dashboard {
        /// The handover point whose rules readiness is evaluated at.
        #[arg(long, default_value = "routine-visit")]
        handover: String,
    },
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
    /// Identity conflicts held by imports (a patient who does not match their person), their
    /// resolution, and every record held back (older versions too).
    #[command(subcommand)]
    Identity(IdentityCmd),
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
    /// Referrals for new packages of care: received (typed or from FHIR), started with the
    /// readiness check at the first visit, delayed or declined with the reason.
    #[command(subcommand)]
    Referral(ReferralCmd),
    /// Audits: integrity against the main system (S9) and its trend; referral completeness,
    /// reconciliation timeliness, visits during disruptions, decision trails, safeguarding
    /// escalation, drills, training and registers, each over a period.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Post-incident reviews.
    #[command(subcommand)]
    Review(ReviewCmd),
    /// The quality improvement plan: actions from reviews, with owners, due dates and status.
    #[command(subcommand)]
    Qi(QiCmd),
    /// The asset register (devices per service, their log, spares, the replacement programme).
    #[command(subcommand)]
    Asset(AssetCmd),
    /// The pathway risk register (5 × 5 scores, controls, reviews) and digital risk assessments.
    #[command(subcommand)]
    Risk(RiskCmd),
    /// Suppliers and contracts: provisions, supplier events and reviews, exit plans, data export
    /// tests.
    #[command(subcommand)]
    Supplier(SupplierCmd),
    /// Subcontractor assurance: checks, downtime guidance by version, acknowledgements.
    #[command(subcommand)]
    Assurance(AssuranceCmd),
    /// The on-call rota: who is on call for each service when, hand-overs, gaps in cover.
    #[command(subcommand, name = "on-call")]
    OnCall(OnCallCmd),
    /// Communication protocols: who is told about which disruptions, by when and how; what a
    /// disruption's protocol calls for.
    #[command(subcommand)]
    Comms(CommsCmd),
    /// Digital near misses and incidents outside an outage, with their review and learning.
    #[command(subcommand, name = "near-miss")]
    NearMiss(NearMissCmd),
    /// The drill programme: scheduled scenario tests per service, run as drill disruptions, held
    /// with attendance, outcome, lessons and actions.
    #[command(subcommand)]
    Drill(DrillCmd),
    /// Training and competence in downtime working: completions, coverage, expiring, overdue.
    #[command(subcommand)]
    Training(TrainingCmd),
    /// Governance meetings: the agenda Lantern assembles, minutes with decisions and actions.
    #[command(subcommand)]
    Meeting(MeetingCmd),
    /// Continuity plans and policies by version (owner, approval, review), and your service's
    /// downtime procedure to read.
    #[command(subcommand)]
    Plan(PlanCmd),
    /// Governance across the registers: `lantern governance due`.
    #[command(subcommand)]
    Governance(GovernanceCmd),
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
    /// Write the governance report over a period: report.pdf (the audits, disruptions and near
    /// misses with their learning, the improvement plan, the registers, readiness over time),
    /// bundle.json (the events it rests on) and the node-signed manifest.json.
    Report {
        /// From (a date, from its start, or a date and time).
        #[arg(long)]
        from: String,
        /// To (a date, through its end, or a date and time).
        #[arg(long)]
        to: String,
        /// One service (all in your reach if left out).
        #[arg(long)]
        service: Option<String>,
        /// A new or empty folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an evidence pack on any machine, without the database. Exits 1 naming what failed.
    VerifyEvidence {
        /// The pack's folder.
        dir: PathBuf,
        /// Also check it against the trust of the node in --data: its signer and every event's
        /// node trusted there, and nothing signed by a retired node after its retirement (a
        /// stolen node's key signs packs as well as ever; only the organisation's record says it
        /// is retired).
        #[arg(long)]
        here: bool,
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
        /// Send a signed checkpoint of the journal's head whenever it moves (every 30 s at most)
        /// to a witness, for `verify --against`: a file (on another disk or share), an
        /// `https://` webhook, or `mailto:ADDRESS` (through LANTERN_SMTP_URL). Repeatable.
        #[arg(long, env = "LANTERN_WITNESS", value_delimiter = ',')]
        witness: Vec<String>,
        /// Take a verified backup into this folder every --backup-every minutes.
        #[arg(long, env = "LANTERN_BACKUP_DIR")]
        backup_dir: Option<PathBuf>,
        /// Minutes between scheduled backups.
        #[arg(long, default_value_t = 60)]
        backup_every: u64,
        /// How many scheduled backups to keep (the oldest go).
        #[arg(long, default_value_t = 48)]
        backup_keep: usize,
        /// Also keep each scheduled backup off-site, encrypted: s3://BUCKET/PREFIX.
        #[arg(long, env = "LANTERN_OFFSITE", requires_all = ["backup_dir", "offsite_key"])]
        offsite: Option<String>,
        /// The off-site key file (`lantern backup-key`).
        #[arg(long, env = "LANTERN_OFFSITE_KEY")]
        offsite_key: Option<PathBuf>,
        /// Off-site backups to keep.
        #[arg(long, default_value_t = 30)]
        offsite_keep: usize,
        /// Delete off-site backups older than this many days (the newest always stays).
        #[arg(long)]
        offsite_keep_days: Option<u32>,
        /// Replicate continuously with the node at this address (https://HOST:PORT): what this
        /// node records reaches it within seconds, and what it records reaches this node.
        /// Repeatable.
        #[arg(long, env = "LANTERN_PEERS", value_delimiter = ',')]
        peer: Vec<String>,
        /// Seconds between rounds with each peer when nothing new was recorded here.
        #[arg(long, default_value_t = 2)]
        peer_every: u64,
        /// How long out of step with a peer before this node raises the dependency status
        /// `lantern-copy-NODE` (so the dashboard, disruptions and ladders know its copy may be
        /// old): `2h`, `30m`, `90s`.
        #[arg(long, default_value = "2h")]
        stale_after: String,
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
