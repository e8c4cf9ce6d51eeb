package io.nudge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nudge.config.NudgeConfig;
import io.nudge.experiments.Experiment;
import io.nudge.experiments.ExperimentJson;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The marketer console and the website snippet in a real browser: Debian's headless Chromium driven through
 * ChromeDriver (WebDriver), against the whole local stack. A marketer creates a rule (meeting a field error
 * first), backtests it on history and saves it; a shopper browses the demo shop until the recommendations
 * change, clicks an offer, and the console shows the rule firing. Screenshots go to target/screenshots/.
 */
class BrowserIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String ADMIN_KEY = "browser-admin-key";
    private static final String SITE_KEY = "browser-site-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path workDir;

    private WebDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        Chromium.ensureInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Chromium.BROWSER);
        // As root, in a sandbox with a closed network: no Chrome sandbox, no calls home (they would be refused).
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--user-data-dir=" + workDir.resolve("chromium"));
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(new File(Chromium.DRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aMarketerCreatesAndBacktestsARuleAndSeesItFireWhenAShopperClicksAnOffer() throws Exception {
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.API_DEMO_SHOP, true)
                .with(NudgeConfig.API_ADMIN_KEY, ADMIN_KEY)
                .with(NudgeConfig.API_SITE_KEYS, "shop=" + SITE_KEY)
                // The visitor's id is a random cookie: with the default 5 % control group (never personalised),
                // one run in twenty would draw a visitor who can never see personalised offers.
                .with(NudgeConfig.OFFERS_CONTROL_FRACTION, 0.0)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s"))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            // History for the backtest: nine customers clicked an offer over the last three days, three a day.
            // At midnight UTC of each day, so the days are the same whenever the test runs.
            java.time.Instant today = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            for (int i = 0; i < 9; i++) {
                post(base + "/v1/events", SITE_KEY, "{\"type\":\"offer_click\",\"customerId\":\"earlier-" + i
                        + "\",\"offerId\":\"kitchen-bundle\",\"channel\":\"web\",\"eventTime\":\""
                        + today.minus(Duration.ofDays(i / 3)) + "\"}", 202);
            }

            // The console: a rule with a missing name is refused field by field, as by the API.
            signIn(base);
            browser.findElement(By.id("new-rule")).click();
            WebElement form = browser.findElement(By.id("rule-form"));
            form.findElement(By.name("ruleId")).sendKeys("click-thanks");
            form.findElement(By.name("firstType")).sendKeys("offer_click");
            form.findElement(By.name("templateId")).sendKeys("thanks-for-looking");
            browser.findElement(By.id("save-rule")).click();
            WebElement name = form.findElement(By.name("name"));
            await(() -> "true".equals(name.getAttribute("aria-invalid")), "the field error on the rule's name");
            String nameError = form.findElement(By.cssSelector(".field-error")).getText();
            assertTrue(nameError.contains("required"), nameError);
            screenshot("console-rule-validation");

            // Backtest the draft: a bar per day, nine customers in all.
            name.sendKeys("Thank offer clickers");
            browser.findElement(By.id("backtest")).click();
            await(() -> browser.findElement(By.id("backtest-result")).isDisplayed(), "the backtest chart");
            List<String> contactsPerDay = browser.findElements(By.cssSelector("#backtest-chart rect")).stream()
                    .map(bar -> bar.getAttribute("data-contacts")).toList();
            assertEquals(8, contactsPerDay.size(), "a bar for every day of the 7-day range");
            assertEquals(List.of("0", "0", "0", "0", "0", "3", "3", "3"), contactsPerDay, "three customers a day over the last three days");
            String caption = browser.findElement(By.id("backtest-caption")).getText();
            assertTrue(caption.contains(": 9 in all"), caption);
            screenshot("console-backtest");

            browser.findElement(By.id("save-rule")).click();
            await(() -> !browser.findElements(By.cssSelector("#rules-table tr[data-rule-id='click-thanks']")).isEmpty(), "the saved rule in the list");
            LiveRules.awaitFiring(base, SITE_KEY, n -> "{\"type\":\"offer_click\",\"customerId\":\"warm-up-" + n
                    + "\",\"offerId\":\"kitchen-bundle\",\"channel\":\"web\"}", List.of(stack.api()), DEADLINE);

            // The demo shop: an anonymous visitor (first-party cookie) browses kitchen items until the recommendations change.
            browser.get(base + "/shop");
            List<String> first = awaitOffers();
            String anonymousId = browser.manage().getCookieNamed("nudge_aid").getValue();
            browser.navigate().refresh();
            awaitOffers();
            assertEquals(anonymousId, browser.manage().getCookieNamed("nudge_aid").getValue(), "the visitor keeps their id across page loads");
            // The visitor browses kitchen products (and carts every other one) until the box reflects it.
            int[] step = {0};
            List<String> offers = Awaitility.await("recommendations personalised by the visitor's browsing").atMost(DEADLINE)
                    .pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                        step[0]++;
                        WebElement rendered = browser.findElement(By.cssSelector("#nudge-recommendations ul"));
                        browser.findElement(By.linkText("kitchen")).click();
                        awaitReplaced(rendered);
                        rendered = browser.findElement(By.cssSelector("#nudge-recommendations ul"));
                        WebElement product = browser.findElement(By.cssSelector("#content a[href='#/product/kitchen-" + String.format("%03d", 1 + step[0] % 12) + "']"));
                        assertFalse(product.getText().startsWith("kitchen-"), "the shop's grid shows the catalogue's titles: " + product.getText());
                        product.click();
                        awaitReplaced(rendered);
                        if (step[0] % 2 == 0) {
                            rendered = browser.findElement(By.cssSelector("#nudge-recommendations ul"));
                            browser.findElement(By.id("add-to-cart")).click();
                            awaitReplaced(rendered);
                        }
                        List<String> now = awaitOffers();
                        boolean personalized = "true".equals(browser.findElement(By.id("nudge-recommendations")).getAttribute("data-personalized"));
                        return !now.equals(first) && personalized ? now : null;
                    }, java.util.Objects::nonNull);
            assertNotEquals(first, offers, "the recommendations changed as the visitor browsed");
            // On the category page the items the visitor looked at are recommended (the product view reaches the
            // profile a moment after its page rendered; the shop may refresh the box).
            browser.findElement(By.linkText("kitchen")).click();
            await(() -> {
                ((JavascriptExecutor) browser).executeScript("return Nudge.refresh()");
                List<WebElement> items = browser.findElements(By.cssSelector("#nudge-recommendations li.nudge-item a"));
                return !items.isEmpty() && items.get(0).getAttribute("href").contains("#/product/");
            }, "recommended items linking to their pages");
            // As product tiles: the demo shop's catalogue gives each item a title and a price.
            WebElement tile = browser.findElement(By.cssSelector("#nudge-recommendations li.nudge-item a"));
            String itemId = tile.findElement(By.xpath("..")).getAttribute("data-item-id");
            String title = tile.findElement(By.className("nudge-item-title")).getText();
            assertTrue(!title.isBlank() && !title.equals(itemId), "a title from the catalogue, not the id: " + title);
            assertTrue(tile.findElement(By.className("nudge-item-price")).getText().matches(".*\\d+[.,]\\d\\d.*"), "and a price");
            screenshot("shop-recommendations");

            // Logging in links the visitor to the customer: the customer's profile carries the anonymous browsing.
            browser.findElement(By.id("login-id")).sendKeys("browser-shopper");
            browser.findElement(By.id("login")).click();
            await(() -> exported(base, "browser-shopper").path("profile").path("linkedIds").toString().contains(anonymousId),
                    "the customer's profile linked to the visitor " + anonymousId);
            WebElement beforeProduct = browser.findElement(By.cssSelector("#nudge-recommendations ul"));
            browser.findElement(By.cssSelector("#content a[href='#/product/kitchen-003']")).click();
            awaitReplaced(beforeProduct);
            WebElement beforeCart = browser.findElement(By.cssSelector("#nudge-recommendations ul"));
            browser.findElement(By.id("add-to-cart")).click();
            awaitReplaced(beforeCart);

            // The shopper clicks an offer; the rule fires for them and the console's live counts show it.
            WebElement clicked = browser.findElement(By.cssSelector("#nudge-recommendations li.nudge-offer"));
            String clickedOffer = clicked.getAttribute("data-offer-id");
            clicked.findElement(By.cssSelector(".nudge-offer-open")).click();
            await(() -> browser.findElement(By.id("message")).getText().startsWith("Offer opened"), "the shop's reaction to the click");
            awaitAction(base, "browser-shopper", "click-thanks");

            browser.get(base + "/console/");
            await(() -> {
                List<WebElement> sent = browser.findElements(By.cssSelector("#rules-table tr[data-rule-id='click-thanks'] .sent-hour"));
                return !sent.isEmpty() && Integer.parseInt(sent.get(0).getText()) >= 1;
            }, "the rule's sent count in the console");
            screenshot("console-rules");

            // The offers view: the clicked offer's impressions and clicks, summed over profiles.
            browser.findElement(By.cssSelector("button.tab[data-view='offers']")).click();
            await(() -> {
                browser.findElement(By.cssSelector("button.tab[data-view='offers']")).click();
                List<WebElement> clicks = browser.findElements(By.cssSelector("#offers-table tr[data-offer-id='" + clickedOffer + "'] .clicks"));
                return !clicks.isEmpty() && Integer.parseInt(clicks.get(0).getText()) >= 1;
            }, "the click on " + clickedOffer + " in the offers report");
            int impressions = Integer.parseInt(browser.findElement(By.cssSelector("#offers-table tr[data-offer-id='" + clickedOffer + "'] .impressions")).getText());
            // At least once, at most once per page view (the shopper saw fewer than 20 pages; the test refreshed the box more often).
            assertTrue(impressions >= 1 && impressions < 20, "the snippet reported showing " + clickedOffer + " once per page view: " + impressions);
            assertTrue(browser.findElement(By.id("uplift")).getText().contains("Personalised (treatment)"));
            screenshot("console-offers");

            // A new offer through the console's form: refused field by field first, then listed.
            WebElement offerForm = browser.findElement(By.id("offer-form"));
            offerForm.findElement(By.name("offerId")).sendKeys("browser-lamps");
            offerForm.findElement(By.name("category")).sendKeys("lighting");
            offerForm.findElement(By.cssSelector("button[type=submit]")).click();
            await(() -> "true".equals(offerForm.findElement(By.name("title")).getAttribute("aria-invalid")), "the field error on the offer's title");
            offerForm.findElement(By.name("title")).sendKeys("Lamps: 15 % off");
            offerForm.findElement(By.cssSelector("button[type=submit]")).click();
            await(() -> !browser.findElements(By.cssSelector("#offers-table tr[data-offer-id='browser-lamps']")).isEmpty(), "the new offer listed");

            // The items view: the demo catalogue, searched by title.
            browser.findElement(By.cssSelector("button.tab[data-view='items']")).click();
            WebElement itemSearch = browser.findElement(By.id("item-search"));
            itemSearch.findElement(By.name("query")).sendKeys("mixing bowl");
            itemSearch.findElement(By.cssSelector("button[type=submit]")).click();
            await(() -> browser.findElements(By.cssSelector("#items-table tbody tr")).size() == 1
                    && browser.findElement(By.cssSelector("#items-table tr[data-item-id='kitchen-002']")).getText().contains("in stock"),
                    "the item found by its title, in stock");
            assertTrue(browser.findElement(By.id("items-count")).getText().contains("of 96 items"));

            // Editing the rule makes version 2, kept in its history; pausing it shows in the list.
            browser.findElement(By.cssSelector("button.tab[data-view='rules']")).click();
            await(() -> !browser.findElements(By.cssSelector("#rules-table tr[data-rule-id='click-thanks']")).isEmpty(), "the rules list");
            ruleButton("Edit").click();
            WebElement template = browser.findElement(By.cssSelector("#rule-form [name=templateId]"));
            template.clear();
            template.sendKeys("thanks-v2");
            WebElement minValue = browser.findElement(By.cssSelector("#rule-form [name=minLifetimeValue]"));
            minValue.sendKeys("-5");
            browser.findElement(By.id("save-rule")).click();
            await(() -> "true".equals(minValue.getAttribute("aria-invalid")), "the field error on the audience's lifetime value");
            minValue.clear();
            browser.findElement(By.cssSelector("#rule-form input[name=stage][value=new]")).click();
            browser.findElement(By.id("save-rule")).click();
            await(() -> ruleCell(3).equals("2"), "version 2 of the rule");
            ruleButton("History").click();
            await(() -> browser.findElements(By.cssSelector("#rule-history li")).size() == 2, "both versions in the history");
            ruleButton("Pause").click();
            await(() -> ruleCell(2).equals("paused"), "the rule paused");

            // The customer lookup shows the shopper's profile, recommendations with their reasons, and the outreach.
            browser.findElement(By.cssSelector("button.tab[data-view='customers']")).click();
            browser.findElement(By.id("customer-id")).sendKeys("browser-shopper");
            browser.findElement(By.cssSelector("#customer-form button")).click();
            await(() -> browser.findElement(By.id("customer")).isDisplayed(), "the customer view");
            await(() -> browser.findElement(By.cssSelector("#customer-outreach tbody")).getText().contains("click-thanks"), "the outreach history");
            await(() -> browser.findElement(By.cssSelector("#customer-contacts tbody")).getText().contains("click-thanks"),
                    "the contact history from the profile");
            String activity = browser.findElement(By.cssSelector("#customer-activity tbody")).getText();
            assertTrue(activity.contains("viewed kitchen-0") && activity.contains("added to cart"), "the shopper's recent activity: " + activity);
            assertTrue(browser.findElement(By.cssSelector("#customer-recommendations tbody")).getText().contains("affinity")
                    || !browser.findElements(By.cssSelector("#customer-recommendations tbody tr")).isEmpty(), "recommendations listed");
            screenshot("console-customer");
        }
    }

    private WebElement ruleButton(String label) {
        return browser.findElement(By.cssSelector("#rules-table tr[data-rule-id='click-thanks']"))
                .findElements(By.tagName("button")).stream().filter(b -> b.getText().equals(label)).findFirst().orElseThrow();
    }

    private String ruleCell(int column) {
        return browser.findElement(By.cssSelector("#rules-table tr[data-rule-id='click-thanks'] td:nth-child(" + column + ")")).getText();
    }

    /** Waits until the snippet has rendered anew (the old list is gone from the page). */
    @Test
    void aMarketerBuildsASegmentSeesItsCountBeforeSavingAndItsMembersAfter() throws Exception {
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.API_ADMIN_KEY, ADMIN_KEY)
                .with(NudgeConfig.API_SITE_KEYS, "shop=" + SITE_KEY)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s"))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            for (int i = 0; i < 4; i++) {
                String customer = "earlier-" + i;
                post(base + "/v1/events", SITE_KEY, "{\"type\":\"product_view\",\"customerId\":\"" + customer
                        + "\",\"itemId\":\"pan\",\"category\":\"" + (i < 3 ? "kitchen" : "garden") + "\"}", 202);
            }
            // An anonymous visitor browsing kitchen too: segments are of customers, the preview does not count them.
            post(base + "/v1/events", SITE_KEY, "{\"type\":\"product_view\",\"anonymousId\":\"earlier-visitor\",\"itemId\":\"pan\",\"category\":\"kitchen\"}", 202);
            await(() -> profilesHeld(base) >= 5, "the five profiles in the store");

            signIn(base);
            browser.findElement(By.cssSelector(".tab[data-view=segments]")).click();
            await(() -> browser.findElement(By.id("segments")).isDisplayed(), "the segments view");
            browser.findElement(By.id("new-segment")).click();
            WebElement form = browser.findElement(By.id("segment-form"));
            form.findElement(By.name("segmentId")).sendKeys("kitchen-fans");
            form.findElement(By.name("affinityCategory")).sendKeys("kitchen");
            form.findElement(By.name("affinityShare")).sendKeys("0.5");
            WebElement preview = browser.findElement(By.id("segment-preview"));
            await(() -> "3".equals(preview.getAttribute("data-count")), "the draft's count: the three kitchen browsers");
            assertTrue(preview.getText().startsWith("3 of 4 profiles"), preview.getText());

            form.findElement(By.name("behaviourType")).sendKeys("view a product");
            form.findElement(By.name("behaviourCategory")).sendKeys("kitchen");
            form.findElement(By.name("behaviourAtLeast")).sendKeys("2");
            form.findElement(By.name("behaviourWithin")).sendKeys("1h");
            browser.findElement(By.id("save-segment")).click();
            WebElement name = form.findElement(By.name("name"));
            await(() -> "true".equals(name.getAttribute("aria-invalid")), "the field error on the segment's name");
            name.sendKeys("Kitchen fans browsing now");
            browser.findElement(By.id("save-segment")).click();
            await(() -> !browser.findElements(By.cssSelector("#segments-table tr[data-segment-id='kitchen-fans']")).isEmpty(), "the saved segment");

            // Shoppers view kitchen items twice; the list counts them as the job lets them in.
            int[] shopper = {0};
            await(() -> {
                try {
                    String customer = "browser-" + shopper[0]++;
                    for (int view = 0; view < 2; view++) {
                        post(base + "/v1/events", SITE_KEY, "{\"type\":\"product_view\",\"customerId\":\"" + customer
                                + "\",\"itemId\":\"pan\",\"category\":\"kitchen\"}", 202);
                    }
                    String members = browser.findElement(By.cssSelector("#segments-table tr[data-segment-id='kitchen-fans'] .members")).getText();
                    return Integer.parseInt(members) >= 3;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "three members counted in the list");
            browser.findElement(By.xpath("//tr[@data-segment-id='kitchen-fans']//button[text()='Details']")).click();
            await(() -> browser.findElement(By.id("segment-detail")).isDisplayed(), "the segment's details");
            String summary = browser.findElement(By.id("segment-summary")).getText();
            assertTrue(summary.contains("web ") && summary.contains("browser-"), summary);
            screenshot("console-segment");

            // An offer kept to the segment's members, made in the offers form.
            browser.findElement(By.cssSelector(".tab[data-view=offers]")).click();
            await(() -> browser.findElement(By.id("offers")).isDisplayed(), "the offers view");
            WebElement offerForm = browser.findElement(By.id("offer-form"));
            offerForm.findElement(By.name("offerId")).sendKeys("kitchen-fans-treat");
            offerForm.findElement(By.name("title")).sendKeys("A treat for kitchen fans");
            offerForm.findElement(By.name("segments")).sendKeys("kitchen-fans");
            offerForm.findElement(By.cssSelector("button[type=submit]")).click();
            await(() -> {
                try {
                    JsonNode offer = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/offers/kitchen-fans-treat"))
                            .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString()).body());
                    return "[\"kitchen-fans\"]".equals(offer.path("segments").toString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the offer saved for the segment's members");
        }
    }

    @Test
    void aMarketerStartsAnExperimentAndReadsItsDecision() throws Exception {
        try (LocalStack stack = LocalStack.start(workDir, NudgeConfig.defaults()
                .with(NudgeConfig.HTTP_PORT, 0)
                .with(NudgeConfig.API_ADMIN_KEY, ADMIN_KEY)
                .with(NudgeConfig.API_SITE_KEYS, "shop=" + SITE_KEY)
                .with(NudgeConfig.JOB_CHECKPOINT_INTERVAL, "1s")
                .with(NudgeConfig.EVENTS_SOURCE_IDLE_TIMEOUT, "1s"))) {
            String base = "http://127.0.0.1:" + stack.api().port();
            for (String variant : List.of("plain", "coupon")) {
                post(base + "/v1/admin/rules", ADMIN_KEY, """
                        {"ruleId": "cart-%s", "name": "Cart tip, %s", "when": {"kind": "event", "event": {"type": "add_to_cart"}},
                         "then": {"channel": "web", "templateId": "cart-%s"}}""".formatted(variant, variant, variant), 201);
            }
            signIn(base);
            browser.findElement(By.cssSelector(".tab[data-view=experiments]")).click();
            await(() -> browser.findElement(By.id("experiments")).isDisplayed(), "the experiments view");
            browser.findElement(By.id("new-experiment")).click();
            WebElement form = browser.findElement(By.id("experiment-form"));
            form.findElement(By.name("experimentId")).sendKeys("cart-tips");
            form.findElement(By.name("variantTarget0")).sendKeys("cart-plain");
            form.findElement(By.name("variantTarget1")).sendKeys("cart-kupon");
            browser.findElement(By.id("save-experiment")).click();
            WebElement name = form.findElement(By.name("name"));
            await(() -> "true".equals(name.getAttribute("aria-invalid")), "the field error on the experiment's name");
            name.sendKeys("Coupon in the cart tip");
            browser.findElement(By.id("save-experiment")).click();
            WebElement target = form.findElement(By.name("variantTarget1"));
            await(() -> "true".equals(target.getAttribute("aria-invalid")), "the field error on the unknown rule");
            target.clear();
            target.sendKeys("cart-coupon");
            browser.findElement(By.id("save-experiment")).click();
            await(() -> !browser.findElements(By.cssSelector("#experiments-table tr[data-experiment-id='cart-tips']")).isEmpty(), "the started experiment");

            // Shoppers put something in the cart (exposed) and, more often with the coupon, buy it.
            Experiment experiment = ExperimentJson.parse("""
                    {"name": "n", "variants": [{"name": "control", "weight": 45, "rule": "cart-plain"},
                      {"name": "treatment", "weight": 45, "rule": "cart-coupon"}, {"name": "holdout", "weight": 10, "holdout": true}]}""",
                    "cart-tips", 1, true).experiment();
            java.util.SplittableRandom random = new java.util.SplittableRandom(3);
            int[] shopper = {0};
            await(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        String customer = "shopper-" + shopper[0]++;
                        post(base + "/v1/events", SITE_KEY, "{\"type\":\"add_to_cart\",\"customerId\":\"" + customer + "\",\"itemId\":\"pan\",\"quantity\":1}", 202);
                        if (random.nextDouble() < (experiment.variantFor(customer).name().equals("treatment") ? 0.6 : 0.2)) {
                            post(base + "/v1/events", SITE_KEY, "{\"type\":\"purchase\",\"customerId\":\"" + customer
                                    + "\",\"itemId\":\"pan\",\"price\":30,\"currency\":\"EUR\",\"quantity\":1}", 202);
                        }
                    }
                    return Integer.parseInt(browser.findElement(By.cssSelector("#experiments-table tr[data-experiment-id='cart-tips'] .exposed")).getText()) >= 400;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "400 shoppers exposed, counted in the list");
            browser.findElement(By.xpath("//tr[@data-experiment-id='cart-tips']//button[text()='Report']")).click();
            await(() -> browser.findElement(By.id("experiment-report")).isDisplayed(), "the experiment's report");
            WebElement decision = browser.findElement(By.cssSelector("#experiment-comparisons .decision"));
            await(() -> decision.getText().equals("treatment converts better than control with 95 % confidence"), "the decision");
            String holdout = browser.findElement(By.cssSelector("#experiment-figures tr[data-variant='holdout'] .exposed")).getText();
            assertTrue(Integer.parseInt(holdout) > 0, "the holdout is exposed too: " + holdout);
            screenshot("console-experiment");
        }
    }

    /** Opens the console and gives it the admin key, as a marketer does; it opens on the rules. */
    private void signIn(String base) {
        browser.get(base + "/console/");
        browser.findElement(By.id("admin-key")).sendKeys(ADMIN_KEY);
        browser.findElement(By.cssSelector("#key-form button[type=submit]")).click();
        await(() -> browser.findElement(By.id("rules")).isDisplayed(), "the console's rules view");
    }

    private int profilesHeld(String base) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).path("profiles").asInt();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void awaitReplaced(WebElement rendered) throws InterruptedException {
        await(() -> {
            try {
                rendered.isDisplayed();
                return false;
            } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
                return true;
            }
        }, "fresh recommendations");
    }

    private JsonNode exported(String base, String customerId) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/customers/" + customerId + "/export"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }

    /** The offers the snippet has rendered, once it has rendered some. */
    private List<String> awaitOffers() throws InterruptedException {
        await(() -> !browser.findElements(By.cssSelector("#nudge-recommendations li.nudge-offer")).isEmpty(), "recommendations on the page");
        return browser.findElements(By.cssSelector("#nudge-recommendations li.nudge-offer")).stream()
                .map(item -> item.getAttribute("data-offer-id")).toList();
    }

    private void awaitAction(String base, String customerId, String ruleId) throws Exception {
        await(() -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/admin/outreach?customerId=" + customerId
                        + "&ruleId=" + ruleId)).header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode actions = JSON.readTree(response.body()).path("actions");
                return actions.size() > 0 && "send".equals(actions.get(0).path("status").asText());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "the action for " + customerId);
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /**
     * Polls {@code condition} with a deadline, in the test's thread (the browser's driver is not shared); an element
     * not there yet, or being replaced by a re-render, counts as not yet. A failure leaves a screenshot and the page's text.
     */
    private void await(Supplier<Boolean> condition, String what) {
        try {
            Awaitility.await(what).atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsMatching(e -> e instanceof org.openqa.selenium.WebDriverException || e instanceof NumberFormatException)
                    .until(condition::get);
        } catch (ConditionTimeoutException notSeen) {
            try {
                screenshot("failed-" + what.replaceAll("[^a-zA-Z0-9]+", "-"));
            } catch (IOException ignored) {
                // the assertion below says what failed
            }
            throw new AssertionError("not seen within " + DEADLINE.toSeconds() + " s: " + what + "; page: "
                    + ((JavascriptExecutor) browser).executeScript("return document.body.innerText"), notSeen);
        }
    }

    private void post(String url, String key, String body, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, response.statusCode(), response.body());
    }
}
