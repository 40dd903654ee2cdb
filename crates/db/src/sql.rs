//! SQL written by hand whose shape depends on the input (search filters): the text with each backend's
//! placeholders (`$1` or `?`) and the values bound to them, run on either backend.

use chrono::NaiveDateTime;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Text, Timestamp};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

use crate::DbConnection;

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub enum Bind {
    Text(String),
    Int(i64),
    Time(NaiveDateTime),
}

pub struct Sql {
    postgres: bool,
    text: String,
    binds: Vec<Bind>,
}

macro_rules! with_binds {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Int(v) => query.bind::<BigInt, _>(v),
                Bind::Time(v) => query.bind::<Timestamp, _>(v),
            };
        }
        query
    }};
}

impl Sql {
    /// An empty statement for `conn`'s backend.
    pub fn new(conn: &DbConnection) -> Self {
        Sql {
            postgres: matches!(conn, DbConnection::Pg(_)),
            text: String::new(),
            binds: Vec::new(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// Appends SQL text (never a user's value: those go through [`Sql::bind`]).
    pub fn push(&mut self, sql: &str) {
        self.text.push_str(sql);
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: Bind) {
        self.binds.push(value);
        if self.postgres {
            self.text.push('$');
            self.text.push_str(&self.binds.len().to_string());
        } else {
            self.text.push('?');
        }
    }

    pub fn load<T>(self, conn: &mut DbConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
    {
        match conn {
            DbConnection::Pg(pg) => {
                let query: BoxedSqlQuery<'static, diesel::pg::Pg, _> =
                    diesel::sql_query(self.text).into_boxed();
                with_binds!(query, self.binds).load(pg)
            }
            DbConnection::Sqlite(sqlite) => {
                let query: BoxedSqlQuery<'static, diesel::sqlite::Sqlite, _> =
                    diesel::sql_query(self.text).into_boxed();
                with_binds!(query, self.binds).load(sqlite)
            }
        }
    }
}
