//! Salary ranges and how people read them.

use super::InvalidInput;

/// How often the amount is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalaryPeriod {
    Year,
    Month,
    Hour,
}

impl SalaryPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Month => "month",
            Self::Hour => "hour",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        match raw {
            "year" => Ok(Self::Year),
            "month" => Ok(Self::Month),
            "hour" => Ok(Self::Hour),
            _ => Err(InvalidInput::new(
                "salary period",
                "must be year, month or hour",
            )),
        }
    }
}

/// A currency we can print with its sign. Amounts are whole units (no cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    Eur,
    Chf,
    Usd,
    Gbp,
}

impl Currency {
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        match code {
            "EUR" => Ok(Self::Eur),
            "CHF" => Ok(Self::Chf),
            "USD" => Ok(Self::Usd),
            "GBP" => Ok(Self::Gbp),
            _ => Err(InvalidInput::new(
                "currency",
                "must be EUR, CHF, USD or GBP",
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Eur => "EUR",
            Self::Chf => "CHF",
            Self::Usd => "USD",
            Self::Gbp => "GBP",
        }
    }

    fn sign(self) -> &'static str {
        match self {
            Self::Eur => "€",
            Self::Chf => "CHF\u{a0}",
            Self::Usd => "$",
            Self::Gbp => "£",
        }
    }
}

/// A valid pay range: positive minimum, not above the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalaryRange {
    min: u32,
    max: u32,
    currency: Currency,
    period: SalaryPeriod,
}

impl SalaryRange {
    pub fn parse(
        min: u32,
        max: u32,
        currency: Currency,
        period: SalaryPeriod,
    ) -> Result<Self, InvalidInput> {
        if min == 0 {
            return Err(InvalidInput::new(
                "salary",
                "the minimum must be above zero",
            ));
        }
        if min > max {
            return Err(InvalidInput::new(
                "salary",
                "the minimum must not be above the maximum",
            ));
        }
        Ok(Self {
            min,
            max,
            currency,
            period,
        })
    }

    pub fn min(&self) -> u32 {
        self.min
    }

    pub fn max(&self) -> u32 {
        self.max
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn period(&self) -> SalaryPeriod {
        self.period
    }

    /// The full form for a job page: "€65,000 – €80,000 a year".
    pub fn display_long(&self) -> String {
        let sign = self.currency.sign();
        let amount = if self.min == self.max {
            format!("{sign}{}", group_thousands(self.min))
        } else {
            format!(
                "{sign}{} – {sign}{}",
                group_thousands(self.min),
                group_thousands(self.max)
            )
        };
        format!(
            "{amount} a{} {}",
            if self.period == SalaryPeriod::Hour {
                "n"
            } else {
                ""
            },
            self.period.as_str()
        )
    }

    /// The compact form for job cards: "€65k – €80k", or "€45 – €60 an hour".
    pub fn display_short(&self) -> String {
        let sign = self.currency.sign();
        let short = |n: u32| -> String {
            if n >= 1000 && self.period != SalaryPeriod::Hour {
                let thousands = f64::from(n) / 1000.0;
                if n.is_multiple_of(1000) {
                    format!("{sign}{}k", n / 1000)
                } else {
                    format!("{sign}{thousands:.1}k")
                }
            } else {
                format!("{sign}{}", group_thousands(n))
            }
        };
        let amount = if self.min == self.max {
            short(self.min)
        } else {
            format!("{} – {}", short(self.min), short(self.max))
        };
        match self.period {
            SalaryPeriod::Year => amount,
            SalaryPeriod::Month => format!("{amount} a month"),
            SalaryPeriod::Hour => format!("{amount} an hour"),
        }
    }
}

/// 65000 → "65,000": English grouping, as the site is in English.
pub fn group_thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur_year(min: u32, max: u32) -> SalaryRange {
        SalaryRange::parse(min, max, Currency::Eur, SalaryPeriod::Year).unwrap()
    }

    #[test]
    fn long_form_groups_thousands_and_names_the_period() {
        assert_eq!(
            eur_year(65_000, 80_000).display_long(),
            "€65,000 – €80,000 a year"
        );
    }

    #[test]
    fn equal_bounds_print_one_amount() {
        assert_eq!(eur_year(70_000, 70_000).display_long(), "€70,000 a year");
        assert_eq!(eur_year(70_000, 70_000).display_short(), "€70k");
    }

    #[test]
    fn short_form_uses_thousands() {
        assert_eq!(eur_year(65_000, 80_000).display_short(), "€65k – €80k");
        assert_eq!(eur_year(62_500, 80_000).display_short(), "€62.5k – €80k");
    }

    #[test]
    fn hourly_rates_read_naturally() {
        let r = SalaryRange::parse(45, 60, Currency::Eur, SalaryPeriod::Hour).unwrap();
        assert_eq!(r.display_long(), "€45 – €60 an hour");
        assert_eq!(r.display_short(), "€45 – €60 an hour");
    }

    #[test]
    fn monthly_salaries_name_the_month() {
        let r = SalaryRange::parse(1_200, 1_500, Currency::Eur, SalaryPeriod::Month).unwrap();
        assert_eq!(r.display_long(), "€1,200 – €1,500 a month");
        assert_eq!(r.display_short(), "€1.2k – €1.5k a month");
    }

    #[test]
    fn minimum_above_maximum_is_rejected() {
        assert!(SalaryRange::parse(80_000, 65_000, Currency::Eur, SalaryPeriod::Year).is_err());
    }

    #[test]
    fn zero_minimum_is_rejected() {
        assert!(SalaryRange::parse(0, 65_000, Currency::Eur, SalaryPeriod::Year).is_err());
    }

    #[test]
    fn unknown_currency_and_period_are_rejected() {
        assert!(Currency::parse("DEM").is_err());
        assert!(SalaryPeriod::parse("week").is_err());
    }

    #[test]
    fn group_thousands_handles_every_length() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }
}
