package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.billing.Catalog;
import com.imagegate.generation.GenerationRequests;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Pricing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The pages anyone can see: landing, pricing, docs. */
@Controller
class PublicPagesController {

    private final Pricing pricing;
    private final Catalog catalog;
    private final ImagegateProperties properties;
    private final ObjectProvider<ClientRegistrationRepository> oauthProviders;

    PublicPagesController(
            Pricing pricing,
            Catalog catalog,
            ImagegateProperties properties,
            ObjectProvider<ClientRegistrationRepository> oauthProviders) {
        this.pricing = pricing;
        this.catalog = catalog;
        this.properties = properties;
        this.oauthProviders = oauthProviders;
    }

    /** One row of the credit table: a size and what one image of it costs. */
    record SizePrice(String size, int credits) {}

    @GetMapping("/")
    String landing(Model model) {
        model.addAttribute("fromCredits", pricing.creditsPerImage(ImageSize.SQUARE_1024));
        model.addAttribute("prices", sizePrices());
        model.addAttribute("enhancementCredits", pricing.enhancementCredits());
        return "public/landing";
    }

    @GetMapping("/pricing")
    String pricing(Model model) {
        model.addAttribute("prices", sizePrices());
        model.addAttribute("enhancementCredits", pricing.enhancementCredits());
        model.addAttribute("free", catalog.free());
        model.addAttribute("subscriptions", catalog.subscriptionsById());
        model.addAttribute("packs", catalog.packsById());
        model.addAttribute("paymentsConfigured", catalog.paymentsConfigured());
        return "public/pricing";
    }

    @GetMapping("/docs")
    String docs(Model model) {
        model.addAttribute("apiBase", properties.baseUrlString() + "/api/v1");
        model.addAttribute("openaiBase", properties.baseUrlString() + "/v1");
        model.addAttribute(
                "sizes",
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList());
        model.addAttribute("prices", sizePrices());
        model.addAttribute("rules", new TreeMap<>(GenerationRequests.rules()));
        return "public/docs";
    }

    /** A "Sign in with …" button per configured OAuth2/OIDC provider, and none when there are none. */
    record SignInProvider(String registrationId, String name) {}

    @GetMapping("/login")
    String login(Model model) {
        List<SignInProvider> providers = new ArrayList<>();
        if (oauthProviders.getIfAvailable() instanceof Iterable<?> registrations) {
            for (Object registration : registrations) {
                var client = (ClientRegistration) registration;
                providers.add(new SignInProvider(client.getRegistrationId(), client.getClientName()));
            }
        }
        model.addAttribute("providers", providers);
        return "auth/login";
    }

    private List<SizePrice> sizePrices() {
        return Arrays.stream(ImageSize.values())
                .map(size -> new SizePrice(size.wireValue(), pricing.creditsPerImage(size)))
                .toList();
    }
}
