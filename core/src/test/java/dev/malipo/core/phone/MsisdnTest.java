package dev.malipo.core.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MsisdnTest {

    @ParameterizedTest
    @CsvSource({
            "0712345678,KE,+254712345678,SAFARICOM",
            "712345678,KE,+254712345678,SAFARICOM",
            "254712345678,,+254712345678,SAFARICOM",
            "+254 712 345 678,,+254712345678,SAFARICOM",
            "+254-712-345-678,,+254712345678,SAFARICOM",
            "00254712345678,,+254712345678,SAFARICOM",
            "0110123456,KE,+254110123456,SAFARICOM",
            "254708374149,,+254708374149,SAFARICOM",
            "0733123456,KE,+254733123456,AIRTEL",
            "0771123456,KE,+254771123456,TELKOM",
            "0788123456,RW,+250788123456,MTN",
            "788123456,RW,+250788123456,MTN",
            "+250 788 123 456,,+250788123456,MTN",
            "250788123456,,+250788123456,MTN",
            "0791234567,RW,+250791234567,MTN",
            "0722123456,RW,+250722123456,AIRTEL",
            "0731234567,RW,+250731234567,AIRTEL",
    })
    void parsesEveryCommonForm(String raw, String country, String e164, MobileNetwork network) {
        Msisdn m = Msisdn.parse(raw, country == null ? null : Country.valueOf(country));
        assertThat(m.e164()).isEqualTo(e164);
        assertThat(m.network()).isEqualTo(network);
        assertThat(m.country().callingCode()).isEqualTo(e164.substring(1, 4));
    }

    @Test
    void localFormsFollowTheGivenCountry() {
        assertThat(Msisdn.parse("0788123456", Country.RW).e164()).isEqualTo("+250788123456");
        assertThat(Msisdn.parse("0788123456", Country.KE).e164()).isEqualTo("+254788123456");
    }

    @Test
    void ambiguousLocalFormWithoutCountryIsRefusedWithTheReason() {
        assertThatThrownBy(() -> Msisdn.parse("0788123456"))
                .isInstanceOf(InvalidMsisdnException.class)
                .hasMessageContaining("both Kenya and Rwanda");
    }

    @Test
    void unambiguousLocalFormNeedsNoCountry() {
        // 0712... is a Kenyan mobile; Rwanda has no 071 range.
        assertThat(Msisdn.parse("0712345678").e164()).isEqualTo("+254712345678");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+254202345678", "0202345678"})
    void refusesLandlines(String raw) {
        assertThatThrownBy(() -> Msisdn.parse(raw, Country.KE))
                .isInstanceOf(InvalidMsisdnException.class)
                .hasMessageContaining("not a mobile number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "07123", "+14155552671", "+256772123456", "0712 345 67x"})
    void refusesWhatIsNotAKenyanOrRwandanMobile(String raw) {
        assertThatThrownBy(() -> Msisdn.parse(raw, Country.KE)).isInstanceOf(InvalidMsisdnException.class);
    }

    @Test
    void formsForProviders() {
        Msisdn rw = Msisdn.parse("+250788123456");
        assertThat(rw.digits()).isEqualTo("250788123456");
        assertThat(rw.nationalWithZero()).isEqualTo("0788123456");
    }

    @Test
    void toStringNeverShowsTheWholeNumber() {
        Msisdn m = Msisdn.parse("+254712345678");
        assertThat(m.toString()).doesNotContain("712345").endsWith("678").startsWith("+254");
    }

    /**
     * Canonical numbers skip libphonenumber's parse: for every three-digit start of a national number
     * in both countries (what its numbering-plan patterns look at), in both the international and the
     * local form, the number read directly must be the one parse gives.
     */
    @Test
    void canonicalNumbersAreReadAsLibphonenumberReadsThem() throws NumberParseException {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        int checked = 0;
        for (Country c : Country.values()) {
            for (int prefix = 100; prefix <= 999; prefix++) {
                for (String rest : new String[] {"000000", "123456", "999999"}) {
                    String national = prefix + rest;
                    PhoneNumber international = Msisdn.readInternational("+" + c.callingCode() + national, national);
                    PhoneNumber local = Msisdn.readLocal("0" + national, c, national);
                    PhoneNumber expected = util.parse("+" + c.callingCode() + national, null);
                    assertThat(international).as(national).isEqualTo(expected);
                    assertThat(local).as(national).isEqualTo(util.parse("0" + national, c.name())).isEqualTo(expected);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(2 * 900 * 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+2540712345678", "+25407123456", "+254712345", "+1254712345678"})
    void nonCanonicalNumbersStillGoThroughLibphonenumber(String raw) throws NumberParseException {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        assertThat(Msisdn.readInternational(raw, raw)).isEqualTo(util.parse(raw, null));
    }

    @Test
    void invalidAndNonMobileNumbersKeepTheirReasons() {
        // 0300 000 000: no Kenyan range starts so — invalid, not "not mobile".
        assertThatThrownBy(() -> Msisdn.parse("+254300000000"))
                .isInstanceOf(InvalidMsisdnException.class).hasMessageContaining("is not a valid KE number");
        assertThatThrownBy(() -> Msisdn.parse("+254202345678"))
                .isInstanceOf(InvalidMsisdnException.class).hasMessageContaining("not a mobile number (it is fixed line)");
    }
}
