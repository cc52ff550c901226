//! The command line:
//! `meetbot [--config PATH] [run | migrate | config | doctor [--json] | backup [PATH] | restore PATH | health]`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// meetbot: a Telegram bot that schedules meetings with the owner.
///
/// Configuration comes from built-in defaults, then meetbot.toml (or the file
/// named with --config), then the environment (MEETBOT__SECTION__KEY, and
/// DATABASE_URL, TELEGRAM_BOT_TOKEN, WEBHOOK_URL).
#[derive(Debug, Parser)]
#[command(name = "meetbot", version)]
pub struct Cli {
    /// Read this configuration file instead of ./meetbot.toml; it must exist.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// What to do; `run` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Start the bot: open the database (applying pending migrations) and
    /// serve until Ctrl-C or SIGTERM. The default.
    Run,
    /// Apply pending database migrations and print the name of each.
    Migrate,
    /// Print the effective configuration, secrets redacted, with where each
    /// value came from.
    Config,
    /// Check everything the bot depends on, changing nothing, and print one
    /// line per finding with its priority (P0 cannot serve ... P3
    /// information) and a fix. Exit code: 0 nothing above P3, 1 P2, 2 P1, 3 P0.
    Doctor {
        /// Print `{"findings":[{"priority","check","message","fix"}]}`.
        #[arg(long)]
        json: bool,
    },
    /// Copy the live SQLite database into PATH (a file, or a folder for a
    /// dated file; backup.dir when omitted), check the copy and print where
    /// it is. For Postgres, use pg_dump.
    Backup {
        /// Where the copy goes: a new file, or a folder.
        #[arg(value_name = "PATH")]
        path: Option<PathBuf>,
    },
    /// Check the SQLite backup at PATH and put it in place of the
    /// database, keeping the replaced file beside it; refused while a bot
    /// runs on the database.
    Restore {
        /// The backup to restore.
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// Ask the running bot's /health (on http.listen); exit 0 when it is
    /// healthy, else 1. For container health checks.
    Health,
}

impl Cli {
    /// The subcommand to run, `run` when none was given.
    pub fn subcommand(&self) -> Command {
        self.command.clone().unwrap_or(Command::Run)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        <Cli as CommandFactory>::command().debug_assert();
    }

    #[test]
    fn no_subcommand_means_run() {
        let cli = Cli::try_parse_from(["meetbot"]).unwrap();

        assert_eq!(cli.subcommand(), Command::Run);
        assert_eq!(cli.config, None);
    }

    #[test]
    fn config_path_is_accepted_before_and_after_the_subcommand() {
        let before = Cli::try_parse_from(["meetbot", "--config", "a.toml", "migrate"]).unwrap();
        let after = Cli::try_parse_from(["meetbot", "config", "--config", "b.toml"]).unwrap();

        assert_eq!(before.subcommand(), Command::Migrate);
        assert_eq!(before.config, Some(PathBuf::from("a.toml")));
        assert_eq!(after.subcommand(), Command::Config);
        assert_eq!(after.config, Some(PathBuf::from("b.toml")));
    }

    #[test]
    fn backup_takes_an_optional_path_and_restore_a_required_one() {
        let backup = Cli::try_parse_from(["meetbot", "backup"]).unwrap();
        let backup_to = Cli::try_parse_from(["meetbot", "backup", "/tmp/x"]).unwrap();
        let restore = Cli::try_parse_from(["meetbot", "restore"]);

        assert_eq!(backup.subcommand(), Command::Backup { path: None });
        assert_eq!(
            backup_to.subcommand(),
            Command::Backup {
                path: Some(PathBuf::from("/tmp/x"))
            }
        );
        assert_eq!(restore.unwrap_err().exit_code(), 2);
    }

    #[test]
    fn doctor_takes_an_optional_json_flag() {
        let plain = Cli::try_parse_from(["meetbot", "doctor"]).unwrap();
        let json = Cli::try_parse_from(["meetbot", "doctor", "--json"]).unwrap();

        assert_eq!(plain.subcommand(), Command::Doctor { json: false });
        assert_eq!(json.subcommand(), Command::Doctor { json: true });
    }

    #[test]
    fn an_unknown_subcommand_is_a_usage_error() {
        let err = Cli::try_parse_from(["meetbot", "launch"]).unwrap_err();

        assert_eq!(err.exit_code(), 2);
    }
}
