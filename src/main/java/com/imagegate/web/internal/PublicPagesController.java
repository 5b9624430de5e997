package com.imagegate.web.internal;

import com.imagegate.ImagegateProperties;
import com.imagegate.billing.Catalog;
import com.imagegate.generation.ImageSize;
import com.imagegate.generation.Pricing;
import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The pages anyone can see: landing, pricing, docs. */
@Controller
class PublicPagesController {

    private final Pricing pricing;
    private final Catalog catalog;
    private final ImagegateProperties properties;

    PublicPagesController(Pricing pricing, Catalog catalog, ImagegateProperties properties) {
        this.pricing = pricing;
        this.catalog = catalog;
        this.properties = properties;
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
        model.addAttribute("subscriptions", catalog.subscriptions());
        model.addAttribute("packs", catalog.packs());
        model.addAttribute("paymentsConfigured", catalog.paymentsConfigured());
        return "public/pricing";
    }

    @GetMapping("/docs")
    String docs(Model model) {
        model.addAttribute("apiBase", properties.baseUrlString() + "/api/v1");
        model.addAttribute(
                "sizes",
                Arrays.stream(ImageSize.values()).map(ImageSize::wireValue).toList());
        model.addAttribute("prices", sizePrices());
        return "public/docs";
    }

    @GetMapping("/login")
    String login() {
        return "auth/login";
    }

    private List<SizePrice> sizePrices() {
        return Arrays.stream(ImageSize.values())
                .map(size -> new SizePrice(size.wireValue(), pricing.creditsPerImage(size)))
                .toList();
    }
}
